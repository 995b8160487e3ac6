package org.kalaja.portal.demo;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Synthetic Albanian names and personal numbers: plausible, never a real person's. */
final class DemoPeople {
    private static final List<String> FIRST = List.of("Arben", "Besa", "Dritan", "Elira", "Fatmir", "Gentiana", "Ilir", "Jonida",
            "Klodian", "Lindita", "Mirela", "Nertil", "Orjola", "Pranvera", "Rezart", "Sokol", "Teuta", "Valbona", "Xhesika", "Ylli",
            "Albana", "Blerim", "Doruntina", "Enkel", "Flutura", "Genci", "Hana", "Kejsi", "Luan", "Mimoza");
    private static final List<String> LAST = List.of("Hoxha", "Shehu", "Gjoka", "Krasniqi", "Leka", "Marku", "Dervishi", "Kola",
            "Basha", "Cela", "Duka", "Frasheri", "Gjini", "Hysa", "Kastrati", "Lika", "Meta", "Noka", "Pasha", "Rama", "Sula",
            "Topi", "Vata", "Zeneli", "Bregu", "Dibra", "Ferra", "Halili", "Isufi", "Kuka");
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRST";
    private static final String CHECK = "ABCDEFGHIJKLMNOPQRSTUVW";

    /** A demo citizen: {@code email} at the demo domain, never deliverable. */
    record Person(String name, String personalNumber, String email) {}

    private DemoPeople() {
    }

    static String name(Random random) {
        return FIRST.get(random.nextInt(FIRST.size())) + " " + LAST.get(random.nextInt(LAST.size()));
    }

    /** A personal number in the NID shape: a letter for the decade, 8 digits, a check letter. */
    static String personalNumber(Random random, int bornAfter) {
        int year = bornAfter + random.nextInt(Math.max(1, 2008 - bornAfter));
        char decade = LETTERS.charAt(Math.min(LETTERS.length() - 1, Math.max(0, (year - 1900) / 10)));
        return decade + String.format(Locale.ROOT, "%08d", random.nextInt(100_000_000)) + CHECK.charAt(random.nextInt(CHECK.length()));
    }

    static Person person(Random random, int n) {
        String name = name(random);
        String email = name.toLowerCase(Locale.ROOT).replace(' ', '.') + "." + n + "@" + DemoData.DOMAIN;
        return new Person(name, personalNumber(random, 1950), email);
    }
}
