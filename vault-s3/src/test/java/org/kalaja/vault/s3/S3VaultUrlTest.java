package org.kalaja.vault.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;

/** The vault URL of the command line: what it means, and what it refuses. */
class S3VaultUrlTest {

    @Test
    void fullUrlSetsEveryField() {
        S3VaultConfig config = S3Vault.parse("s3://kalaja-vault/registry-a?endpoint=http://127.0.0.1:7480"
                + "&region=eu-south-1&retention-days=3650&later-versions=read-first");
        assertThat(config.bucket()).isEqualTo("kalaja-vault");
        assertThat(config.prefix()).isEqualTo("registry-a/");
        assertThat(config.endpoint()).isEqualTo(URI.create("http://127.0.0.1:7480"));
        assertThat(config.region()).isEqualTo("eu-south-1");
        assertThat(config.pathStyle()).as("an endpoint other than AWS's implies path-style").isTrue();
        assertThat(config.retention()).isEqualTo(Duration.ofDays(3650));
        assertThat(config.laterVersions()).isEqualTo(S3VaultConfig.LaterVersions.READ_FIRST);
        assertThat(config.credentials()).isInstanceOf(DefaultCredentialsProvider.class);
    }

    @Test
    void bareBucketIsAwsS3WithTheDefaults() {
        S3VaultConfig config = S3Vault.parse("s3://kalaja-vault");
        assertThat(config.prefix()).isEmpty();
        assertThat(config.endpoint()).isNull();
        assertThat(config.region()).isEqualTo(S3VaultConfig.DEFAULT_REGION);
        assertThat(config.pathStyle()).isFalse();
        assertThat(config.retention()).isEqualTo(S3VaultConfig.DEFAULT_RETENTION).isEqualTo(Duration.ofDays(365));
        assertThat(config.laterVersions()).isEqualTo(S3VaultConfig.LaterVersions.REFUSE);
        assertThat(S3Vault.parse("s3://kalaja-vault/").prefix()).isEmpty();
    }

    @Test
    void profileNamesWhereTheCredentialsAre() {
        assertThat(S3Vault.parse("s3://kalaja-vault?profile=vault-writer").credentials())
                .isInstanceOf(ProfileCredentialsProvider.class);
    }

    @Test
    void pathStyleCanBeTurnedOffAndRetentionGivenInSeconds() {
        S3VaultConfig config = S3Vault.parse("s3://b.example/a/b/?endpoint=https://s3.example&path-style=false&retention-seconds=90");
        assertThat(config.pathStyle()).isFalse();
        assertThat(config.prefix()).isEqualTo("a/b/");
        assertThat(config.retention()).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "s3://kalaja-vault/",
        "s3://kalaja-vault/registry-a/?endpoint=http://127.0.0.1:7480&region=us-east-1&path-style=true&retention-days=7",
        "s3://kalaja-vault/x/?region=eu-west-1&path-style=false&retention-seconds=90&later-versions=read-first"})
    void toUrlReadsBackAsTheSameConfiguration(String url) {
        S3VaultConfig config = S3Vault.parse(url);
        assertThat(S3Vault.parse(config.toUrl()).toUrl()).isEqualTo(config.toUrl());
        assertThat(S3Vault.parse(config.toUrl()).withCredentials(config.credentials())).isEqualTo(config);
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutBeingRepeated() {
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        for (String url : new String[] {"s3://AKIDEXAMPLE:" + secret + "@kalaja-vault/",
                "s3://kalaja-vault/?secret-key=" + secret, "s3://kalaja-vault/?aws_secret_access_key=" + secret,
                "s3://kalaja-vault/?endpoint=http://AKIDEXAMPLE:" + secret + "@127.0.0.1:7480"}) {
            assertThatThrownBy(() -> S3Vault.parse(url)).as(url).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://kalaja-vault/", "s3:///prefix", "s3://Kalaja_Vault/", "s3://kalaja-vault:9000/",
        "s3://kalaja-vault/?retention-day=7", "s3://kalaja-vault/?retention-days=0", "s3://kalaja-vault/?retention-days=x",
        "s3://kalaja-vault/?region=a&region=b", "s3://kalaja-vault/?retention-days=1&retention-seconds=5",
        "s3://kalaja-vault/?path-style=yes", "s3://kalaja-vault/?later-versions=ignore", "s3://kalaja-vault/../x",
        "s3://kalaja-vault/?endpoint=ftp://127.0.0.1", "s3://kalaja-vault/?region=", "s3://kalaja-vault/a//b"})
    void badUrlsAreRefusedNamingTheFault(String url) {
        assertThatThrownBy(() -> S3Vault.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("S3");
    }

    @Test
    void unknownParameterIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> S3Vault.parse("s3://kalaja-vault/?retention_days=7"))
                .hasMessageContaining("unknown parameter \"retention_days\"").hasMessageContaining("retention-days");
    }
}
