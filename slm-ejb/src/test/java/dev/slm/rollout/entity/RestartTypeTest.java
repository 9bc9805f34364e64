package dev.slm.rollout.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartTypeTest {

    @Test
    void onTheWireEachTypeIsTheLowerCaseWordTheAgentAccepts() {
        // the agent's Restart.fromWire takes exactly these (docs/protocol.md), and the server signs them so
        assertEquals(List.of("immediate", "graceful", "manual"),
                Arrays.stream(RestartType.values()).map(RestartType::wire).toList());
    }
}
