package org.kalaja.server;

import java.nio.file.Path;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.Vault;

/**
 * Where a node ships its log: {@code dir:/path} (a directory that must exist, on another disk or
 * mount) or {@code s3://bucket/prefix?endpoint=…} (an S3 bucket with Object Lock). The only place
 * that names vault drivers, as {@link StoreLocation} is for stores.
 */
sealed interface VaultLocation {
    /**
     * Opens the vault; it creates nothing in the data directory.
     *
     * @throws org.kalaja.engine.vault.VaultException if the vault cannot be used, saying why
     */
    Vault open();

    record Dir(Path root) implements VaultLocation {
        @Override
        public Vault open() {
            return DirectoryVault.open(root);
        }
    }

    record S3(String url) implements VaultLocation {
        @Override
        public Vault open() {
            return org.kalaja.vault.s3.S3Vault.open(org.kalaja.vault.s3.S3Vault.parse(url));
        }
    }

    /**
     * Parses a {@code --vault} value.
     *
     * @throws IllegalArgumentException saying the accepted forms
     */
    static VaultLocation parse(String spec) {
        if (spec.startsWith("dir:") && spec.length() > "dir:".length()) return new Dir(Path.of(spec.substring("dir:".length())));
        if (spec.startsWith("s3://")) {
            org.kalaja.vault.s3.S3Vault.parse(spec); // refuses a malformed URL before anything is opened
            return new S3(spec);
        }
        throw new IllegalArgumentException("--vault must be dir:/path/to/existing/directory or"
                + " s3://bucket/prefix?endpoint=https://…; got '" + spec.replaceAll("(?i)(secret|password)[^&]*", "$1=***") + "'");
    }
}
