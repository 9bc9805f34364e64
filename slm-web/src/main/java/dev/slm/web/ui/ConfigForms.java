package dev.slm.web.ui;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Span;
import dev.slm.access.entity.Role;
import jakarta.ejb.EJBAccessException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Schedules and Maintenance windows sections share: saving a form whose refusal is marked beside the field
 * the server named, an action told in a notice, a delete that asks first, a comma-separated list.
 */
final class ConfigForms {

    private ConfigForms() {
    }

    /**
     * Runs {@code save}; a refusal whose message starts with a field's name ("cron must …", "zone '…'") marks that
     * field, any other is a notice. @return whether it was saved
     */
    static boolean save(Runnable save, Map<String, HasValidation> fields) {
        fields.values().forEach(f -> Fields.check(f, Optional.empty()));
        try {
            save.run();
            return true;
        } catch (EJBAccessException e) {
            Actions.refused(Role.OPERATOR);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            Optional<String> field = fields.keySet().stream().filter(message::startsWith).findFirst();
            if (field.isPresent()) {
                Fields.check(fields.get(field.get()), Optional.of(message));
            } else {
                Actions.error(message);
            }
        }
        return false;
    }

    /** Runs an operator's action; {@code done} is told when it worked, the server's reason when not. */
    static boolean act(Runnable action, String done) {
        try {
            action.run();
            Actions.ok(done);
            return true;
        } catch (EJBAccessException e) {
            Actions.refused(Role.OPERATOR);
        } catch (RuntimeException e) {
            Actions.error(e.getMessage());
        }
        return false;
    }

    /**
     * A dialog that leaves the page when it closes: its fields' ids are not left behind for the next one (a second
     * "New schedule" found the first's closed form by id), nor its components for as long as the page lives.
     */
    static Dialog dialog() {
        Dialog dialog = new Dialog();
        dialog.addOpenedChangeListener(e -> {
            if (!e.isOpened()) {
                dialog.removeFromParent();
            }
        });
        return dialog;
    }

    /** Asks "Delete …?" first; the confirm button's id is {@code okId}. */
    static void confirmDelete(String title, String text, String okId, Runnable delete) {
        Dialog confirm = dialog();
        confirm.setHeaderTitle(title);
        confirm.add(new Span(text));
        Button ok = new Button("Delete", c -> {
            confirm.close();
            delete.run();
        });
        ok.setId(okId);
        ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        confirm.getFooter().add(new Button("Cancel", c -> confirm.close()), ok);
        confirm.open();
    }

    /** The newest changes, one line each (who, what, which), before and after on hover. */
    static void showChanges(com.vaadin.flow.component.html.Div target, List<dev.slm.rollout.entity.ConfigChange> changes) {
        target.removeAll();
        if (changes.isEmpty()) {
            target.add(new Span("No change yet."));
        }
        changes.forEach(c -> {
            com.vaadin.flow.component.html.Div line = new com.vaadin.flow.component.html.Div(new Span(
                    OperationsGrid.TIME.format(c.changedAt()) + " · " + c.changedBy() + " " + c.action() + " '"
                            + c.objectName() + "'"));
            line.getElement().setAttribute("title", "before: " + c.before() + "\nafter: " + c.after());
            line.setId(c.kind() + "-change-" + c.id());
            target.add(line);
        });
    }

    /** "a, b,, c" → [a, b, c]: blanks and repeats dropped. */
    static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(v -> !v.isEmpty()).distinct().toList();
    }
}
