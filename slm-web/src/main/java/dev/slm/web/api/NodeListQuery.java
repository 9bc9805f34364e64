package dev.slm.web.api;

import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.platform.InvalidInput;
import dev.slm.source.entity.CodeStatus;
import dev.slm.source.entity.CommitInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The query string of {@code GET /api/nodes}, read and checked whole before anything is queried: the Nodes page's
 * filters ({@link NodeQueries.Filter}), a sort by the page's sortable columns (named as the JSON fields) and a page.
 * A parameter the list does not take, one given twice that is taken once, or a value that is not what it takes is
 * refused with {@link InvalidInput} (400) whose message starts with the parameter's name; nothing is ignored.
 */
record NodeListQuery(NodeQueries.Filter filter, List<SortKey> sort, int page, int size) {

    /** The largest page, and the page without {@code size}: a fleet of more nodes is paged. */
    static final int MAX_SIZE = NodeQueries.MAX_PAGE;
    static final int MAX_TEXT = 255;
    static final int MAX_ROLE = 1024;

    /** Every parameter the list takes, in the order of the canonical query (links). */
    static final List<String> PARAMETERS = List.of("status", "role", "online", "text", "commit", "behind_gt", "in_window",
            "sort", "page", "size");
    private static final Set<String> REPEATABLE = Set.of("status", "sort");

    /** The sort names (the node's JSON fields) and the properties of {@link NodeQueries} they sort by. */
    static final Map<String, String> SORT_FIELDS = NodeQueries.SORTABLE.stream().collect(Collectors.toMap(
            p -> p.equals("id") ? "node_id" : Requests.wireName(p), p -> p, (a, b) -> a, TreeMap::new));

    private static final Pattern WHOLE = Pattern.compile("[0-9]{1,10}");

    /** One key of the sort: a name of {@link #SORT_FIELDS} and its direction. */
    record SortKey(String field, boolean ascending) {
    }

    NodeListQuery {
        sort = List.copyOf(sort);
    }

    /** The sort as {@link NodeQueries#page} takes it (ties always end by node id). */
    List<NodeQueries.Sort> sorts() {
        return sort.stream().map(k -> new NodeQueries.Sort(SORT_FIELDS.get(k.field()), k.ascending())).toList();
    }

    /** The first row of the page; a page beyond any fleet is the last int (an empty page, never an overflow). */
    int offset() {
        return (int) Math.min((long) page * size, Integer.MAX_VALUE);
    }

    /**
     * @param params the decoded query parameters (a parameter without a value has the value "")
     * @throws InvalidInput naming the first parameter that is not taken or has a value that is not
     */
    static NodeListQuery parse(Map<String, List<String>> params) {
        Set<String> unknown = new TreeSet<>(params.keySet());
        unknown.removeAll(PARAMETERS);
        if (!unknown.isEmpty()) {
            throw new InvalidInput("unknown query parameter '" + JsonRecords.printable(unknown.iterator().next())
                    + "'; GET /api/nodes takes " + String.join(", ", PARAMETERS));
        }
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            if (!REPEATABLE.contains(e.getKey()) && e.getValue() != null && e.getValue().size() > 1) {
                throw new InvalidInput(e.getKey() + " is given " + e.getValue().size() + " times; it is taken once");
            }
        }
        Set<CodeStatus> statuses = statuses(values(params, "status"));
        String role = role(single(params, "role"));
        Boolean online = online(single(params, "online"));
        String text = text(single(params, "text"));
        String commit = single(params, "commit");
        if (commit != null && !CommitInfo.ID.matcher(commit).matches()) {
            throw new InvalidInput("commit must be a full commit id (40 lower-case hex digits), not '"
                    + JsonRecords.printable(commit) + "'");
        }
        Boolean inWindow = bool("in_window", single(params, "in_window"));
        String behind = single(params, "behind_gt");
        Integer behindGt = behind == null ? null : whole("behind_gt", behind, 0, Integer.MAX_VALUE);
        List<SortKey> sort = sortKeys(values(params, "sort"));
        String page = single(params, "page");
        String size = single(params, "size");
        // the windows' coverage is filled in by the resource, which may ask the windows (the query is only parsed here)
        NodeQueries.Filter filter = new NodeQueries.Filter(text, role, statuses, online, behindGt, commit);
        return new NodeListQuery(inWindow == null ? filter : filter.within(new NodeQueries.InWindow(inWindow, null, null, null)), sort,
                page == null ? 0 : whole("page", page, 0, Integer.MAX_VALUE),
                size == null ? MAX_SIZE : whole("size", size, 1, MAX_SIZE));
    }

    /** The same list at another page, as a query string (the parameters in one order, values percent-encoded). */
    String queryString(int otherPage) {
        List<String> parts = new ArrayList<>();
        if (!filter.statuses().isEmpty()) {
            parts.add("status=" + filter.statuses().stream().map(Enum::name).collect(Collectors.joining(",")));
        }
        if (filter.role() != null) {
            parts.add("role=" + encoded(filter.role()));
        }
        if (filter.online() != null) {
            parts.add("online=" + filter.online());
        }
        if (filter.text() != null) {
            parts.add("text=" + encoded(filter.text()));
        }
        if (filter.commit() != null) {
            parts.add("commit=" + filter.commit());
        }
        if (filter.behindMoreThan() != null) {
            parts.add("behind_gt=" + filter.behindMoreThan());
        }
        if (filter.window() != null) {
            parts.add("in_window=" + filter.window().inside());
        }
        for (SortKey k : sort) {
            parts.add("sort=" + k.field() + (k.ascending() ? ",asc" : ",desc"));
        }
        parts.add("page=" + otherPage);
        parts.add("size=" + size);
        return String.join("&", parts);
    }

    private static String encoded(String value) {
        // a space as %20: '+' is read as a space in a query, but %20 is read as one everywhere
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<String> values(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null ? List.of() : values.stream().map(v -> v == null ? "" : v).toList();
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = values(params, name);
        return values.isEmpty() ? null : values.get(0);
    }

    private static Set<CodeStatus> statuses(List<String> values) {
        Set<CodeStatus> statuses = EnumSet.noneOf(CodeStatus.class);
        for (String value : values) {
            for (String name : value.split(",", -1)) {
                String wanted = spaceless(name).toUpperCase(Locale.ROOT);
                CodeStatus status = Arrays.stream(CodeStatus.values()).filter(s -> s.name().equals(wanted)).findFirst()
                        .orElseThrow(() -> new InvalidInput("status must be one or more of "
                                + Arrays.stream(CodeStatus.values()).map(Enum::name).collect(Collectors.joining(", "))
                                + " (repeated or comma-separated), not '" + JsonRecords.printable(name) + "'"));
                statuses.add(status);
            }
        }
        return statuses;
    }

    private static Boolean online(String value) {
        return bool("online", value);
    }

    private static Boolean bool(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInput(name + " must be true or false, not '" + JsonRecords.printable(value) + "'");
        };
    }

    /** Blank: no filter (as the page's cleared search field). */
    private static String text(String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_TEXT || hasControl(value)) {
            throw new InvalidInput("text must be at most " + MAX_TEXT + " characters, none of them a control character");
        }
        return value.isBlank() ? null : spaceless(value);
    }

    /** Blank: no filter. A role is reported without commas (HeartbeatAnswers): a value with one matches no node. */
    private static String role(String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_ROLE || hasControl(value) || value.contains(",")) {
            throw new InvalidInput("role must be one role: at most " + MAX_ROLE
                    + " characters, no comma and no control character");
        }
        return value.isBlank() ? null : spaceless(value);
    }

    /** Without the spaces around it (and nothing else: {@code trim()} would also drop a NUL or a line feed). */
    private static String spaceless(String value) {
        return value.replaceAll("^ +| +$", "");
    }

    private static boolean hasControl(String value) {
        return value.codePoints().anyMatch(Character::isISOControl);
    }

    private static List<SortKey> sortKeys(List<String> values) {
        List<SortKey> keys = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        for (String value : values) {
            String[] parts = value.split(",", -1);
            String field = spaceless(parts[0]);
            if (parts.length > 2 || !SORT_FIELDS.containsKey(field)) {
                throw new InvalidInput("sort must be a name and optionally a direction, e.g. sort=last_seen,desc (one key"
                        + " per sort parameter); names: " + String.join(", ", SORT_FIELDS.keySet()) + "; not '"
                        + JsonRecords.printable(value) + "'");
            }
            String direction = parts.length == 2 ? spaceless(parts[1]) : "asc";
            if (!direction.equalsIgnoreCase("asc") && !direction.equalsIgnoreCase("desc")) {
                throw new InvalidInput("sort direction must be asc or desc, not '" + JsonRecords.printable(parts[1]) + "'");
            }
            if (!named.add(field)) {
                throw new InvalidInput("sort names " + field + " twice");
            }
            keys.add(new SortKey(field, direction.equalsIgnoreCase("asc")));
        }
        return keys;
    }

    /** A whole number in decimal digits only (no sign, no space, no fraction) between min and max. */
    private static int whole(String name, String value, int min, int max) {
        long n = WHOLE.matcher(value).matches() ? Long.parseLong(value) : -1;
        if (n < min || n > max) {
            throw new InvalidInput(name + " must be a whole number from " + min + " to " + max + ", not '"
                    + JsonRecords.printable(value) + "'");
        }
        return (int) n;
    }
}
