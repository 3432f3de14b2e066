package io.github.jimengfetcher.task;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ProviderName can be used at all: its own constant is checked by the rule it is made after. */
class ProviderNameClassTest {

    @Test
    void theDefaultProviderIsANameByItsOwnRule() {
        assertEquals("jimeng-gateway", ProviderName.JIMENG_GATEWAY.value());
        assertNull(ProviderName.problem(ProviderName.JIMENG_GATEWAY.value()));
    }

    @Test
    void aNameOutsideTheRuleIsRefusedWithTheReason() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new ProviderName("Ark"));
        assertTrue(refused.getMessage().contains("'Ark' is not lower-case letters, digits and '-'"), refused.getMessage());
        assertEquals("ark", new ProviderName("ark").value());
    }
}
