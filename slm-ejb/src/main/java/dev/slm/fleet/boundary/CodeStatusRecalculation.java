package dev.slm.fleet.boundary;

import dev.slm.source.control.Mirror;
import dev.slm.source.entity.Classification;
import dev.slm.source.entity.LatestCommitChanged;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * Recomputes every node's code status when the latest commit changes, in the transaction that stores it.
 * Nodes share few distinct versions, so this classifies each version once and updates by version.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.MANDATORY)
public class CodeStatusRecalculation {

    @PersistenceContext
    EntityManager em;

    @Inject
    Mirror mirror;

    public void onLatestCommitChanged(@Observes LatestCommitChanged change) {
        String latest = change.latest();
        List<String> versions = em.createQuery(
                "SELECT DISTINCT n.codeVersion FROM Node n WHERE n.codeVersion IS NOT NULL", String.class)
                .getResultList();
        for (String version : versions) {
            Classification c = mirror.get().classify(version, latest);
            em.createQuery("UPDATE Node n SET n.codeStatus = :status, n.commitsBehind = :behind,"
                            + " n.statusBasis = :latest WHERE n.codeVersion = :version")
                    .setParameter("status", c.status())
                    .setParameter("behind", c.commitsBehind())
                    .setParameter("latest", latest)
                    .setParameter("version", version)
                    .executeUpdate();
        }
        em.createQuery("UPDATE Node n SET n.statusBasis = :latest WHERE n.codeVersion IS NULL")
                .setParameter("latest", latest)
                .executeUpdate();
    }
}
