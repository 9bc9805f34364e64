package dev.slm.rollout.control;

import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import jakarta.persistence.EntityManager;
import java.util.List;

/** The name of a schedule or a maintenance window: what it may be, and that no other of its kind has it. */
public final class ConfigNames {

    public static final int MAX = 100;

    private ConfigNames() {
    }

    /** An id as a message shows it: at most 64 characters (a 1 MB id is not sent back). */
    public static String shown(String id) {
        return id.length() <= 64 ? id : id.substring(0, 64) + "… (" + id.length() + " characters)";
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
        // two requests for one name at once: the second waits for the first's commit, then sees its row (a 409, not
        // the unique index's 500). The database lowers, as the index does: Java lowers 'İ' otherwise
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1 || lower(?2)))")
                .setParameter(1, entity + ":").setParameter(2, name).getSingleResult();
        List<Long> others = em.createQuery("SELECT x.id FROM " + entity + " x WHERE lower(x.name) = lower(:name)", Long.class)
                .setParameter("name", name).getResultList();
        if (others.stream().anyMatch(o -> !o.equals(self))) {
            throw new Conflict("a " + what + " named '" + name + "' exists already");
        }
    }
}
