package dev.slm.web.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.server.VaadinRequest;
import java.util.Optional;

/**
 * A node's new token, shown once (only its hash is kept), with a copy button, and the {@code agent.properties} that
 * goes with it ({@link AgentSnippet}): the server's URL, the node's id and the signing key.
 */
final class TokenDialog extends Dialog {

    TokenDialog(String nodeId, String token, Optional<String> publicUrl, String signingKey) {
        setHeaderTitle("Token of " + nodeId);
        setWidth("min(52rem, 95vw)");
        Pre tokenText = new Pre(token);
        tokenText.setId("new-token");
        Pre properties = new Pre();
        properties.setId("agent-properties");
        properties.getStyle().set("white-space", "pre-wrap").set("word-break", "break-all");
        CopyButton copyToken = new CopyButton("copy-token", tokenText);
        CopyButton copyProperties = new CopyButton("copy-properties", properties);
        add(new Paragraph("Shown once: only its hash is kept. Put it alone in the node's " + AgentSnippet.TOKEN_FILE
                        + ", readable by the agent's user only (chmod 600)."),
                tokenText, row(copyToken), new H4("agent.properties"), properties, row(copyProperties));
        VaadinRequest request = VaadinRequest.getCurrent();
        String contextPath = request == null ? "" : request.getContextPath();
        if (publicUrl.isPresent()) {
            properties.setText(AgentSnippet.properties(AgentSnippet.serverUrl(publicUrl, null, contextPath), nodeId,
                    signingKey));
        } else {
            // the URL in the browser's address bar: the host and port this server is reached under from there
            UI.getCurrent().getPage().fetchCurrentURL(url -> properties.setText(AgentSnippet.properties(
                    AgentSnippet.serverUrl(Optional.empty(), url, contextPath), nodeId, signingKey)));
        }
        Button done = new Button("Done", e -> close());
        done.setId("token-done");
        getFooter().add(done);
    }

    private static HorizontalLayout row(CopyButton copy) {
        HorizontalLayout row = new HorizontalLayout(copy, copy.status());
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        return row;
    }
}
