package dev.slm.web.ui;

import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import dev.slm.source.entity.CodeStatus;
import dev.slm.source.entity.CommitInfo;
import java.util.List;
import java.util.stream.Collectors;

/** A node's code status as a badge told apart by icon and text, not by colour alone. */
public final class CodeBadge {

    private CodeBadge() {
    }

    public static String text(CodeStatus status) {
        return switch (status) {
            case UP_TO_DATE -> "Up to date";
            case OUTDATED -> "Update available";
            case DIVERGED -> "Diverged";
            case UNKNOWN -> "Unknown";
        };
    }

    public static Span of(NodeRow node) {
        CodeStatus status = node.codeStatus();
        VaadinIcon icon = switch (status) {
            case UP_TO_DATE -> VaadinIcon.CHECK_CIRCLE;
            case OUTDATED -> VaadinIcon.ARROW_CIRCLE_UP;
            case DIVERGED -> VaadinIcon.SPLIT;
            case UNKNOWN -> VaadinIcon.QUESTION_CIRCLE;
        };
        String theme = switch (status) {
            case UP_TO_DATE -> "badge success";
            case OUTDATED -> "badge";
            case DIVERGED -> "badge error";
            case UNKNOWN -> "badge contrast";
        };
        Span badge = new Span(icon.create(), new Span(text(status)));
        badge.getElement().getThemeList().add(theme);
        badge.getElement().setAttribute("data-status", status.name());
        badge.addClassName("code-badge");
        return badge;
    }

    /** The version difference for the tooltip: short commits, how far behind, the missing subjects. */
    public static String tooltip(NodeRow node, String latest, List<CommitInfo> behind) {
        String from = shortId(node.codeVersion());
        String to = shortId(latest);
        return switch (node.codeStatus()) {
            case UP_TO_DATE -> node.codeVersion() == null || node.codeVersion().equals(latest)
                    ? "Runs " + from + ", the latest commit"
                    : "Runs " + from + ": same content as the latest commit " + to
                    + " (the commits between change nothing the node gets)";
            case OUTDATED -> from + " → " + to + ": " + plural(node.commitsBehind()) + " behind"
                    + (behind.isEmpty() ? "" : "\n" + behind.stream().map(c -> "• " + c.shortId() + " " + c.subject())
                    .collect(Collectors.joining("\n")));
            case DIVERGED -> "Runs " + from + ", which is not in the history of " + to;
            case UNKNOWN -> node.codeVersion() == null ? "The node has not reported a commit"
                    : "Runs " + from + ", a commit the server's mirror does not have";
        };
    }

    public static String plural(Integer commits) {
        int n = commits == null ? 0 : commits;
        return n + (n == 1 ? " commit" : " commits");
    }

    public static String shortId(String commit) {
        return commit == null ? "—" : commit.substring(0, Math.min(7, commit.length()));
    }
}
