/**
 * The README's run command: starts an embedded PostgreSQL (unless SLM_DB_URL is set) and the server on
 * Payara Micro as a child process; {@link dev.slm.launcher.MicroServer} is also how the integration tests start it.
 */
package dev.slm.launcher;
