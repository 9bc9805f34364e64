package dev.slm.rollout.control;

import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Locale;

/** The name of a schedule or a maintenance window: what it may be, and that no other of its kind has it. */
public final class ConfigNames {

    public static final int MAX = 100;

    private ConfigNames() {
    }

    /** @return the name without surrounding blanks. @throws InvalidInput naming "name" */
    public static String checked(String given) {
        String name = given == null ? "" : given.strip();
        if (name.isEmpty() || name.length() > MAX || name.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInput("name is required: 1 to " + MAX + " characters, no control character");
        }
        return name;
    }

    /**
     * @param entity the JPA entity's name ({@code UpdateSchedule}, {@code MaintenanceWindow}), whose {@code name} is
     *               unique regardless of case (db/V15, V16's unique indexes on lower(name))
     * @throws Conflict when another one than {@code self} has the name
     */
    public static void requireFree(EntityManager em, String entity, String what, String name, Long self) {
        List<Long> others = em.createQuery("SELECT x.id FROM " + entity + " x WHERE lower(x.name) = :name", Long.class)
                .setParameter("name", name.toLowerCase(Locale.ROOT)).getResultList();
        if (others.stream().anyMatch(o -> !o.equals(self))) {
            throw new Conflict("a " + what + " named '" + name + "' exists already");
        }
    }
}
