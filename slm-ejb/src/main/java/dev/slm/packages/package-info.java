/**
 * Code packages: deterministic tar.gz of the tracked subdirectory at one commit (what git archive gives), cached on
 * disk and signed; and the rule that a commit no agent could install is not deployable (docs/packages.md).
 */
package dev.slm.packages;
