/** Code packages: deterministic tar.gz of the tracked subdirectory at one commit, cached on disk and signed. */
package dev.slm.packages;
