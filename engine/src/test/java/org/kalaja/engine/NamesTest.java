package org.kalaja.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void apiCollectionNamesHaveNoDotSoNeitherEngineNorPortalCollectionsCanBeNamed() {
        assertThat(Names.collection("births")).isEqualTo("births");
        assertThatThrownBy(() -> Names.collection("portal.applications")).isInstanceOf(EngineException.class)
                .hasMessageContaining("invalid collection name");
        assertThatThrownBy(() -> Names.collection("kalaja.tokens")).isInstanceOf(EngineException.class);
    }

    @Test
    void recordCollectionsArePublicNamesOrPortalNamesButNeverTheEnginesOwn() {
        assertThat(Names.recordCollection("births")).isEqualTo("births");
        assertThat(Names.recordCollection("portal.applications")).isEqualTo("portal.applications");
        for (String bad : new String[] {"kalaja.tokens", "portal.", "portal.Apps", "portal.a.b", "other.x"}) {
            assertThatThrownBy(() -> Names.recordCollection(bad)).as(bad).isInstanceOf(EngineException.class)
                    .hasMessageContaining("invalid collection name");
        }
    }
}
