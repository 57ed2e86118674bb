package io.varve.consumer;

/** A blocking call was interrupted by {@link VarveConsumer#wakeup()}. */
public final class WakeupException extends ConsumerException {

    private static final long serialVersionUID = 1L;

    public WakeupException() {
        super("woken up by wakeup()");
    }
}
