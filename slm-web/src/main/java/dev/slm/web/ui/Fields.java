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

    /** A choice of commits of the branch (newest first), each "short id subject — author", {@code deployed} marked. */
    static com.vaadin.flow.component.combobox.ComboBox<dev.slm.source.entity.CommitInfo> commitChoice(String id,
            String label, java.util.List<dev.slm.source.entity.CommitInfo> commits, String deployed) {
        var choice = new com.vaadin.flow.component.combobox.ComboBox<dev.slm.source.entity.CommitInfo>(label);
        choice.setId(id);
        choice.setWidth("min(560px, 90vw)");
        choice.setItems(commits);
        choice.setItemLabelGenerator(c -> c.shortId() + " " + c.subject() + " — " + c.author()
                + (c.id().equals(deployed) ? " (deployed)" : ""));
        return choice;
    }

    /** The chosen commit, or empty with the field marked ("Choose a commit"). */
    static Optional<dev.slm.source.entity.CommitInfo> chosen(
            com.vaadin.flow.component.combobox.ComboBox<dev.slm.source.entity.CommitInfo> choice) {
        if (choice.getValue() == null) {
            choice.setInvalid(true);
            choice.setErrorMessage("Choose a commit");
        }
        return Optional.ofNullable(choice.getValue());
    }
}
