/** Operators' accounts and roles: who may look (viewer), sync (operator) and administer (admin). */
package dev.slm.access;
