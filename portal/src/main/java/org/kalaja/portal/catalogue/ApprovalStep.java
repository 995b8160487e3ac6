package org.kalaja.portal.catalogue;

/**
 * One decision an application needs before its document is issued. Steps are taken in order, each by
 * a clerk of the service's institution; a service with no steps is decided by a single approval.
 *
 * @param id   stable id recorded in the application's history
 * @param name what the step checks, shown to clerks and (as progress) to citizens
 */
public record ApprovalStep(String id, String name) {}
