/** Cross-cutting plumbing: configuration, the clock, the datasource and schema migrations. */
package dev.slm.platform;
