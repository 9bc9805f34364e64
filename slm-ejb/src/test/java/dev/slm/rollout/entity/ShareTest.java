package dev.slm.rollout.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShareTest {

    @Test
    void aCountIsThatManyNodesWhateverTheTotal() {
        assertEquals(3, Share.parse("3").of(100));
        assertEquals(3, Share.parse(" 3 ").of(2), "the caller caps it at the total");
    }

    @Test
    void aPercentageRoundsUpInIntegersAndIsAtLeastOneNode() {
        assertEquals(10, Share.parse("10%").of(100), "not 11: 100 * 0.1 is 10.000000000000002 in doubles");
        assertEquals(1, Share.parse("10%").of(5));
        assertEquals(3, Share.parse("25%").of(9));
        assertEquals(1, Share.parse("1%").of(1));
        assertEquals(7, Share.parse("100%").of(7));
        assertEquals(1, Share.parse("50%").of(0), "at least one node");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "0", "0%", "-1", "101%", "1.5", "10 %x", "%", "ten", "1e3", "99999999", "+3", "٣"})
    void anythingElseIsRefusedWithAMessageForTheOperator(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Share.parse(bad));
        assertEquals(true, e.getMessage().startsWith("must be"), e.getMessage());
    }

    @Test
    void nullIsRefusedToo() {
        assertThrows(IllegalArgumentException.class, () -> Share.parse(null));
    }
}
