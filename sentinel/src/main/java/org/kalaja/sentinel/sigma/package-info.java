/**
 * Sigma rules (SigmaHQ specification v2: detection rules and correlation rules) evaluated in process
 * over sliding windows. Only the subset Kalaja needs is accepted; a rule using anything else is refused
 * when it is loaded, naming the file, the rule and the feature, so that detection never silently
 * weakens.
 */
@NullMarked
package org.kalaja.sentinel.sigma;

import org.jspecify.annotations.NullMarked;
