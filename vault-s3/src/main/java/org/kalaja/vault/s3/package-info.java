/**
 * The S3 vault driver: {@link org.kalaja.vault.s3.S3Vault} keeps the vault layout in a bucket with
 * Object Lock, every object under a COMPLIANCE retention, and reads the first version of each
 * write-once path. It depends on the engine's vault SPI and the AWS SDK only, and shares no code
 * with the directory vault.
 */
@NullMarked
package org.kalaja.vault.s3;

import org.jspecify.annotations.NullMarked;
