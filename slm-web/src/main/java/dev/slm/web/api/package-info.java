/** The JSON API under {@code /api}: agents' calls (bearer token per node) and operators' calls (Basic, roles). */
package dev.slm.web.api;
