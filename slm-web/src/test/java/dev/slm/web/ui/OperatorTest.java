package dev.slm.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.WrappedSession;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OperatorTest {

    @Test
    void aPageUpdateThatRunsAfterItsSessionWasInvalidatedSeesNoOperatorInsteadOfFailing() {
        // what the container's session does once invalidated (a logout, an expiry): every call throws
        WrappedSession invalidated = (WrappedSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WrappedSession.class}, (proxy, method, args) -> {
                    throw new IllegalStateException(method.getName() + ": session already invalidated");
                });
        VaadinSession session = new VaadinSession(null) {
            @Override
            public WrappedSession getSession() {
                return invalidated;
            }
        };
        VaadinSession.setCurrent(session);
        try {
            assertEquals(Optional.empty(), Operator.current());
        } finally {
            VaadinSession.setCurrent(null);
        }
    }
}
