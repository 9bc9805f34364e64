package dev.slm.web.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import dev.slm.access.entity.Role;
import dev.slm.fleet.boundary.Settings;
import dev.slm.fleet.entity.Setting;
import dev.slm.platform.InvalidInput;
import jakarta.ejb.EJBAccessException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The settings an admin changes at run time ({@link Settings#DEFINITIONS}), each with its unit, its range and a
 * sentence of help; Enter saves the field; a value out of range is said next to the field.
 */
final class SettingsPanel extends VerticalLayout {

    private final Settings settings;

    SettingsPanel(Settings settings) {
        this.settings = settings;
        setPadding(false);
        refresh();
    }

    void refresh() {
        removeAll();
        Map<String, Setting> stored = settings.all().stream().collect(Collectors.toMap(Setting::name, Function.identity()));
        for (Settings.Definition d : Settings.DEFINITIONS) {
            add(row(d, Optional.ofNullable(stored.get(d.name())).map(Setting::value).orElse("")));
        }
    }

    private HorizontalLayout row(Settings.Definition d, String value) {
        TextField field = new TextField(d.name(), value, "");
        field.setId("setting-" + d.name());
        field.setSuffixComponent(new Span(d.unit()));
        field.setHelperText(d.min() + " to " + d.max() + " " + d.unit() + ". " + d.help());
        field.setWidth("min(36rem, 90vw)");
        Button save = new Button("Save", e -> save(d, field));
        save.setId("save-" + d.name());
        save.addClickShortcut(Key.ENTER).listenOn(field).resetFocusOnActiveElement();
        HorizontalLayout row = new HorizontalLayout(field, save);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        return row;
    }

    private void save(Settings.Definition d, TextField field) {
        String value = field.getValue().trim();
        if (!Fields.check(field, d.problem(value))) {
            return;
        }
        try {
            settings.change(d.name(), value);
        } catch (InvalidInput e) {
            Fields.check(field, Optional.of(e.getMessage()));
            return;
        } catch (EJBAccessException e) {
            Actions.refused(Role.ADMIN);
            return;
        }
        Actions.ok(d.name() + " is now " + value + " " + d.unit());
    }
}
