/** The tracked git repository: a local JGit mirror, the fetch timer and the latest commit of the branch. */
package dev.slm.source;
