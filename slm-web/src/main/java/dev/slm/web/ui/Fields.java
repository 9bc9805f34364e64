package dev.slm.web.ui;

import com.vaadin.flow.component.HasValidation;
import java.util.Optional;

/** What is wrong with a form's value is said next to its field (its invalid state and message), not in a toast. */
final class Fields {

    private Fields() {
    }

    /**
     * Marks the field with the problem, or clears its mark; @return whether the value is fine. The field's own
     * validation is switched off: it would clear the mark at its next blur (the Enter shortcut blurs and refocuses).
     */
    static boolean check(HasValidation field, Optional<String> problem) {
        field.setManualValidation(true);
        field.setErrorMessage(problem.orElse(null));
        field.setInvalid(problem.isPresent());
        return problem.isEmpty();
    }
}
