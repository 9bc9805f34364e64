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

    static VaadinIcon icon(CodeStatus status) {
        return switch (status) {
            case UP_TO_DATE -> VaadinIcon.CHECK_CIRCLE;
            case OUTDATED -> VaadinIcon.ARROW_CIRCLE_UP;
            case DIVERGED -> VaadinIcon.SPLIT;
            case UNKNOWN -> VaadinIcon.QUESTION_CIRCLE;
        };
    }

    static String theme(CodeStatus status) {
        return switch (status) {
            case UP_TO_DATE -> "badge success";
            case OUTDATED -> "badge";
            case DIVERGED -> "badge error";
            case UNKNOWN -> "badge contrast";
        };
    }

    /**
     * The badge in a template rendered by the browser (a grid's LitRenderer): no component, no server-side state —
     * a component per cell cost the nodes page 10,000 Vaadin state nodes for 40 nodes (SoakIT's bound is 5,000).
     * The item needs the properties {@code status}, {@code statusText} and {@code statusIcon} ({@link #properties}).
     */
    static final String TEMPLATE = "<span class='code-badge' theme='${item.statusTheme}' data-status='${item.status}'>"
            + "<vaadin-icon icon='${item.statusIcon}' style='width:var(--lumo-icon-size-s);height:var(--lumo-icon-size-s)'>"
            + "</vaadin-icon><span>${item.statusText}</span></span>";

    static <T> com.vaadin.flow.data.renderer.LitRenderer<T> properties(com.vaadin.flow.data.renderer.LitRenderer<T> r,
                                                                       java.util.function.Function<T, CodeStatus> status) {
        return r.withProperty("status", t -> status.apply(t).name())
                .withProperty("statusText", t -> text(status.apply(t)))
                .withProperty("statusTheme", t -> theme(status.apply(t)))
                .withProperty("statusIcon", t -> "vaadin:" + icon(status.apply(t)).name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-'));
    }

    public static Span of(NodeRow node) {
        CodeStatus status = node.codeStatus();
        VaadinIcon icon = icon(status);
        String theme = theme(status);
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
