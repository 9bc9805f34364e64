package dev.slm.rollout.entity;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;

/**
 * What a schedule syncs and how: its targets (the union of node ids, roles and, with {@code allOutdated}, every node
 * not on the desired commit) and the options of a sync, with those of a rollout when its strategy is rolling
 * ({@code batchSize}, {@code maxFailures}: a count or a percentage, as an operator gives them). Stored as JSON in
 * {@code update_schedule.spec}, with the API's names.
 */
public record ScheduleSpec(List<String> nodeIds, List<String> roles, boolean allOutdated, boolean restart,
                           RestartType restartType, boolean reinstall, String batchSize, Integer healthCheckDelay,
                           Boolean abortOnFailure, String maxFailures, Integer canary, Boolean autoPromote,
                           Integer timeout) {

    public ScheduleSpec {
        // each once, in the order given: 10,000 times the same id is one node
        nodeIds = nodeIds == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(nodeIds));
        roles = roles == null ? List.of() : roles.stream().map(r -> r == null ? null : r.strip()).distinct().toList();
        restartType = restartType == null ? RestartType.GRACEFUL : restartType;
    }

    public boolean hasTargets() {
        return allOutdated || !nodeIds.isEmpty() || !roles.isEmpty();
    }

    public String toJson() {
        JsonObjectBuilder o = Json.createObjectBuilder()
                .add("node_ids", array(nodeIds))
                .add("roles", array(roles))
                .add("all_outdated", allOutdated)
                .add("restart", restart)
                .add("restart_type", restartType.name())
                .add("reinstall", reinstall);
        add(o, "batch_size", batchSize);
        add(o, "health_check_delay", healthCheckDelay);
        add(o, "abort_on_failure", abortOnFailure);
        add(o, "max_failures", maxFailures);
        add(o, "canary", canary);
        add(o, "auto_promote", autoPromote);
        add(o, "timeout", timeout);
        return o.build().toString();
    }

    public static ScheduleSpec fromJson(String json) {
        JsonObject o = Json.createReader(new StringReader(json)).readObject();
        return new ScheduleSpec(strings(o, "node_ids"), strings(o, "roles"), o.getBoolean("all_outdated", false),
                o.getBoolean("restart", true), RestartType.valueOf(o.getString("restart_type", "GRACEFUL")),
                o.getBoolean("reinstall", false), text(o, "batch_size"), number(o, "health_check_delay"),
                flag(o, "abort_on_failure"), text(o, "max_failures"), number(o, "canary"), flag(o, "auto_promote"),
                number(o, "timeout"));
    }

    private static JsonArrayBuilder array(List<String> values) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        values.forEach(a::add);
        return a;
    }

    private static void add(JsonObjectBuilder o, String name, Object value) {
        if (value instanceof String s) {
            o.add(name, s);
        } else if (value instanceof Integer i) {
            o.add(name, i);
        } else if (value instanceof Boolean b) {
            o.add(name, b);
        }
    }

    private static List<String> strings(JsonObject o, String name) {
        return o.containsKey(name) ? o.getJsonArray(name).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList()
                : List.of();
    }

    private static String text(JsonObject o, String name) {
        return o.containsKey(name) && o.get(name).getValueType() == JsonValue.ValueType.STRING ? o.getString(name) : null;
    }

    private static Integer number(JsonObject o, String name) {
        return o.containsKey(name) && o.get(name).getValueType() == JsonValue.ValueType.NUMBER ? o.getInt(name) : null;
    }

    private static Boolean flag(JsonObject o, String name) {
        return o.containsKey(name) && o.get(name).getValueType() != JsonValue.ValueType.NULL ? o.getBoolean(name) : null;
    }
}
