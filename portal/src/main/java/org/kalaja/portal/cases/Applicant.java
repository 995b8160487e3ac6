package org.kalaja.portal.cases;

/**
 * The citizen sending an application, as their account holds them; copied into the application so the
 * clerk decides on what the citizen's account said at the time of sending.
 *
 * @param accountId      the account's id
 * @param name           the name on the account
 * @param personalNumber the personal number (NID) on the account, or "" when the account has none
 */
public record Applicant(String accountId, String name, String personalNumber) {}
