/** The fleet: registered nodes, their agents' heartbeats and the code status derived from what they report. */
package dev.slm.fleet;
