package dev.fluxllm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The budget's pacing as plain numbers: slots evenly spaced at the job's rate times the share. */
class RateBudgetTest {

    static final long MS = 1_000_000L;

    @Test
    void aThirdOfSixThousandPerMinuteSpacesCallsThirtyMillisecondsApart() {
        RateBudget budget = new RateBudget(6_000, 0);
        budget.share(1.0 / 3);
        assertThat(budget.requestsPerMinute()).isEqualTo(2_000.0);
        long now = 1_000 * MS;
        assertThat(budget.reserve(now, 10)).isZero();
        assertThat(budget.reserve(now, 10)).isEqualTo(30 * MS);
        assertThat(budget.reserve(now, 10)).isEqualTo(60 * MS);
    }

    @Test
    void idleTimeIsNotSavedUpIntoABurst() {
        RateBudget budget = new RateBudget(6_000, 0);
        budget.share(1);
        long now = 0;
        budget.reserve(now, 1);
        // Ten seconds later the next call starts at once, and the one after waits a full slot.
        assertThat(budget.reserve(now + 10_000 * MS, 1)).isZero();
        assertThat(budget.reserve(now + 10_000 * MS, 1)).isEqualTo(10 * MS);
    }

    @Test
    void aNewShareAppliesToTheNextSlots() {
        RateBudget budget = new RateBudget(6_000, 0);
        budget.share(1);
        budget.reserve(0, 1);
        budget.share(0.5);
        assertThat(budget.reserve(0, 1)).isEqualTo(10 * MS);
        assertThat(budget.reserve(0, 1)).isEqualTo(30 * MS);
    }

    @Test
    void tokensPaceByTheEstimate() {
        RateBudget budget = new RateBudget(0, 60_000);
        budget.share(1);
        assertThat(budget.reserve(0, 500)).isZero();
        assertThat(budget.reserve(0, 500)).isEqualTo(500 * MS);
    }

    @Test
    void noBudgetMeansNoWait() {
        RateBudget budget = new RateBudget(0, 0);
        assertThat(budget.isLimited()).isFalse();
        assertThat(budget.acquire(1_000).block()).isNull();
    }
}
