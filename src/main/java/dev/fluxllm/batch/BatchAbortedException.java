package dev.fluxllm.batch;

import dev.fluxllm.ErrorDetails;
import dev.fluxllm.OpenAiCompatException;

/**
 * Ends a batch when one input failed with an error that every later request would hit too
 * (by default 401 and 403; see {@link BatchOptions.Builder#abortOn}). The cause is that error;
 * {@link #index()} names the input that got it. Calls still in flight were cancelled and inputs
 * not yet taken were never requested from upstream.
 *
 * <p>When the client is closing ({@link dev.fluxllm.ClientClosedException}), the batch stops
 * taking inputs, lets its calls in flight finish as the close allows, emits a result for every
 * input it took (failed ones carry the close), and then ends with this exception.
 */
public class BatchAbortedException extends OpenAiCompatException {

    private final long index;

    /** Creates the exception for the input at {@code index} that failed with {@code cause}. */
    public BatchAbortedException(long index, Throwable cause) {
        super("Batch stopped: input " + index + " failed with an error every later request would get too: "
                        + cause.getMessage(),
                cause instanceof OpenAiCompatException e ? e.details().withRetryable(false) : ErrorDetails.of(false),
                cause);
        this.index = index;
    }

    /** Returns the index of the input whose failure ended the batch. */
    public long index() {
        return index;
    }
}
