/** The agent's updater: verify a package, extract it safely into a fresh release, swap {@code current}, keep N releases. */
package dev.slm.agent.update;
