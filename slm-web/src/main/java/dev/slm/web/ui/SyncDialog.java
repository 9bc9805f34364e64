package dev.slm.web.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import dev.slm.rollout.entity.RestartType;
import java.util.Collection;
import java.util.List;

/** The sync options: restart (checked by default) and how — immediate or graceful. */
public class SyncDialog extends Dialog {

    public SyncDialog(Collection<String> nodeIds, Actions actions) {
        List<String> nodes = List.copyOf(nodeIds);
        setHeaderTitle(nodes.size() == 1 ? "Sync " + nodes.get(0) : "Sync " + nodes.size() + " nodes");
        Checkbox restart = new Checkbox("Restart the service", true);
        restart.setId("sync-restart");
        RadioButtonGroup<RestartType> type = new RadioButtonGroup<>("Restart");
        type.setId("sync-type");
        type.setItems(RestartType.IMMEDIATE, RestartType.GRACEFUL);
        type.setItemLabelGenerator(t -> t == RestartType.IMMEDIATE ? "Immediate" : "Graceful (let it finish its work)");
        type.setValue(RestartType.GRACEFUL);
        restart.addValueChangeListener(e -> type.setEnabled(e.getValue()));
        add(new Paragraph("Moves " + (nodes.size() == 1 ? "the node" : "the nodes") + " to the latest commit."),
                restart, type);
        Button confirm = new Button("Sync", e -> {
            close();
            actions.sync(nodes, restart.getValue(), restart.getValue() ? type.getValue() : RestartType.MANUAL);
        });
        confirm.setId("sync-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button cancel = new Button("Cancel", e -> close());
        getFooter().add(cancel, confirm);
    }
}
