/** Sync operations: one record per node and request, following the agent's reports to an end state. */
package dev.slm.rollout;
