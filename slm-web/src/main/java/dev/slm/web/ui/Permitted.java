package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import dev.slm.access.entity.Role;

/**
 * Actions the page offers only where they can be used: a viewer sees them disabled, with the reason on hover. A
 * convenience, never the check (Flow ignores events of disabled components, and the boundary EJBs check the role).
 * The reason sits on a wrapper: a disabled button takes no pointer events, so its own tooltip would never show.
 */
final class Permitted {

    private Permitted() {
    }

    static boolean can(Role needed) {
        return Operator.current().map(o -> o.can(needed)).orElse(false);
    }

    /** Why a viewer may not, in the words the page uses. */
    static String needs(Role needed) {
        return "Needs the " + needed.roleName() + " role; you are logged in as "
                + Operator.current().map(o -> o.role().roleName()).orElse("nobody");
    }

    /** The button, disabled with the reason when the operator lacks the role. */
    static Component button(Button button, Role needed) {
        return can(needed) ? button : disabled(button, needs(needed));
    }

    /** The button disabled, the reason on its wrapper (data-disabled-reason, and the title shown on hover). */
    static Component disabled(Button button, String why) {
        button.setEnabled(false);
        Span wrapper = new Span(button);
        wrapper.setTitle(why);
        wrapper.getElement().setAttribute("data-disabled-reason", why);
        wrapper.addClassName("disabled-action");
        return wrapper;
    }
}
