package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import dev.slm.source.entity.CommitInfo;
import java.util.List;

/**
 * Pins the fleet, a role or a node at a commit of the branch: the commit, why (shown to every operator), and what a
 * pin does. One form for the three, so they say the same.
 */
final class PinDialog {

    /** What the dialog hands back: the chosen commit's id and the reason given (may be blank). */
    interface Pin {
        void pin(String commit, String reason);
    }

    private PinDialog() {
    }

    /**
     * @param subject fields shown before the commit (a role's name), or none
     * @param deployed the commit to mark "(deployed)" in the choice, or null
     */
    static Dialog of(String title, List<CommitInfo> commits, String deployed, String branch, Pin pin,
                     Component... subject) {
        Dialog dialog = ConfigForms.dialog();
        dialog.setHeaderTitle(title);
        var choice = Fields.commitChoice("pin-commit", "Commit of " + branch, commits, deployed);
        TextField reason = new TextField("Why (shown to every operator)");
        reason.setId("pin-reason");
        reason.setWidth("min(560px, 90vw)");
        reason.setMaxLength(1024);
        Button confirm = new Button("Pin", e -> Fields.chosen(choice).ifPresent(c -> {
            dialog.close();
            pin.pin(c.id(), reason.getValue());
        }));
        confirm.setId("pin-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(new Paragraph("Nodes are then measured against this commit, and a sync sends it: a rollback stays"
                + " rolled back when newer commits arrive. Unpin to follow the tip again."));
        dialog.add(subject);
        dialog.add(choice, reason);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), confirm);
        return dialog;
    }
}
