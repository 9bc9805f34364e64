/** The agent on a node: reads its configuration and deployed commit, and heartbeats to the SLM server. */
package dev.slm.agent;
