package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;

/**
 * Copies the text of another element to the clipboard, in the browser's own click handler (Safari and Firefox let a
 * page write the clipboard only there, not after a round trip to the server). {@code navigator.clipboard} exists only
 * on secure pages (https, or localhost): on plain http, or when the browser refuses, the text is selected and
 * {@code document.execCommand('copy')} tried, and {@link #status()} says whether it was copied or only selected.
 */
final class CopyButton extends Button {

    private static final String SCRIPT = """
            const button = this, source = $0;
            button.addEventListener('click', () => {
              const tell = how => button.dispatchEvent(new CustomEvent('slm-copied', {detail: how}));
              const select = () => {
                const range = document.createRange();
                range.selectNodeContents(source);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
              };
              const fallback = () => {
                select();
                let copied = false;
                try {
                  copied = document.execCommand('copy');
                } catch (e) {
                  copied = false;
                }
                tell(copied ? 'copied' : 'selected');
              };
              if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(source.textContent).then(() => { select(); tell('copied'); }, fallback);
              } else {
                fallback();
              }
            });
            """;

    private final Span status = new Span();

    CopyButton(String id, Component source) {
        super("Copy", VaadinIcon.COPY.create());
        setId(id);
        addThemeVariants(ButtonVariant.LUMO_SMALL);
        status.setId(id + "-status");
        status.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        getElement().executeJs(SCRIPT, source.getElement());
        getElement().addEventListener("slm-copied", e -> status.setText(
                "copied".equals(e.getEventData().getString("event.detail")) ? "Copied to the clipboard"
                        : "Selected: press Ctrl+C (⌘C) to copy")).addEventData("event.detail");
    }

    /** What the last click did, next to the button. */
    Span status() {
        return status;
    }
}
