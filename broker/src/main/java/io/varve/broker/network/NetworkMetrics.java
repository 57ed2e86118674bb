package io.varve.broker.network;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the network edge, one per outcome a connection or frame can have. Plain
 * {@link LongAdder}s: incremented on the event loops, read at any time from any thread (a metrics
 * registry reads them at scrape time, see {@code io.varve.broker.metrics.BrokerMetrics}). Request
 * timing and error codes go to a {@link RequestObserver} instead. Thread-safe.
 */
public final class NetworkMetrics {

    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder connectionsRefusedPerIp = new LongAdder();
    private final LongAdder firstRequestTimeouts = new LongAdder();
    private final LongAdder idleCloses = new LongAdder();
    private final LongAdder framesTooLarge = new LongAdder();
    private final LongAdder negativeFrameSizes = new LongAdder();
    private final LongAdder truncatedFrames = new LongAdder();
    private final LongAdder malformedRequests = new LongAdder();
    private final LongAdder unknownApiKeys = new LongAdder();
    private final LongAdder unsupportedVersions = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder handlerErrors = new LongAdder();
    private final LongAdder channelErrors = new LongAdder();
    private final LongAdder readPauses = new LongAdder();
    private final LongAdder queuedBytesPauses = new LongAdder();
    private final LongAdder queuedRequestBytes = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private volatile RequestObserver requestObserver = RequestObserver.NONE;

    /**
     * Sets who times requests and counts their errors (the broker's metrics); connections opened
     * afterwards report to it. Set it before the server starts.
     */
    public void observeRequests(RequestObserver observer) {
        this.requestObserver = Objects.requireNonNull(observer, "observer");
    }

    RequestObserver requestObserver() {
        return requestObserver;
    }

    void onConnectionAccepted() {
        connectionsAccepted.increment();
    }

    void onConnectionClosed() {
        connectionsClosed.increment();
    }

    void onConnectionRefused() {
        connectionsRefused.increment();
    }

    void onConnectionRefusedPerIp() {
        connectionsRefusedPerIp.increment();
    }

    void onFirstRequestTimeout() {
        firstRequestTimeouts.increment();
    }

    void onIdleClose() {
        idleCloses.increment();
    }

    void onFrameTooLarge() {
        framesTooLarge.increment();
    }

    void onNegativeFrameSize() {
        negativeFrameSizes.increment();
    }

    void onTruncatedFrame() {
        truncatedFrames.increment();
    }

    void onMalformedRequest() {
        malformedRequests.increment();
    }

    void onUnknownApiKey() {
        unknownApiKeys.increment();
    }

    void onUnsupportedVersion() {
        unsupportedVersions.increment();
    }

    void onRequest() {
        requests.increment();
    }

    void onHandlerError() {
        handlerErrors.increment();
    }

    void onChannelError() {
        channelErrors.increment();
    }

    void onReadPaused() {
        readPauses.increment();
    }

    void onQueuedBytesPause() {
        queuedBytesPauses.increment();
    }

    void onQueuedRequestBytes(long delta) {
        queuedRequestBytes.add(delta);
    }

    void onBytesIn(long bytes) {
        bytesIn.add(bytes);
    }

    void onBytesOut(long bytes) {
        bytesOut.add(bytes);
    }

    /** Connections admitted (below {@code max.connections} and {@code max.connections.per.ip}). */
    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    /** Admitted connections that have since closed, for any reason. */
    public long connectionsClosed() {
        return connectionsClosed.sum();
    }

    /** Connections closed at once because {@code max.connections} were open on their listener group. */
    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    /** Connections closed at once because {@code max.connections.per.ip} were open from their address. */
    public long connectionsRefusedPerIp() {
        return connectionsRefusedPerIp.sum();
    }

    /** Connections closed because no whole request arrived within {@code connections.first.request.timeout.ms}. */
    public long firstRequestTimeouts() {
        return firstRequestTimeouts.sum();
    }

    /** Connections closed after {@code connections.max.idle.ms} without reads or writes. */
    public long idleCloses() {
        return idleCloses.sum();
    }

    /** Size prefixes above {@code socket.request.max.bytes}. */
    public long framesTooLarge() {
        return framesTooLarge.sum();
    }

    /** Negative size prefixes. */
    public long negativeFrameSizes() {
        return negativeFrameSizes.sum();
    }

    /** Connections that closed in the middle of a frame. */
    public long truncatedFrames() {
        return truncatedFrames.sum();
    }

    /** Frames whose header or body could not be decoded. */
    public long malformedRequests() {
        return malformedRequests.sum();
    }

    /** Requests naming an API Varve does not serve. */
    public long unknownApiKeys() {
        return unknownApiKeys.sum();
    }

    /** Requests at a version outside the API's supported band (ApiVersions ones are answered). */
    public long unsupportedVersions() {
        return unsupportedVersions.sum();
    }

    /** Requests handed to the dispatcher, ApiVersions version errors included. */
    public long requests() {
        return requests.sum();
    }

    /** Requests whose handler threw; each was answered with {@code UNKNOWN_SERVER_ERROR}. */
    public long handlerErrors() {
        return handlerErrors.sum();
    }

    /** Connections closed by an I/O or pipeline error (reset by peer, failed write, encoder bug). */
    public long channelErrors() {
        return channelErrors.sum();
    }

    /** Times a connection stopped being read because {@code connection.max.inflight.requests} were outstanding. */
    public long readPauses() {
        return readPauses.sum();
    }

    /** Times a connection stopped being read because its listener group held {@code queued.max.request.bytes}. */
    public long queuedBytesPauses() {
        return queuedBytesPauses.sum();
    }

    /** Bytes of request frames partly received or held back now, over every listener group. */
    public long queuedRequestBytes() {
        return queuedRequestBytes.sum();
    }

    /** Bytes of complete request frames, size prefixes included. */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Bytes of response frames written to sockets, size prefixes included. */
    public long bytesOut() {
        return bytesOut.sum();
    }

    @Override
    public String toString() {
        return "NetworkMetrics{accepted=" + connectionsAccepted() + ", closed=" + connectionsClosed()
            + ", refused=" + connectionsRefused() + ", refusedPerIp=" + connectionsRefusedPerIp()
            + ", firstRequestTimeouts=" + firstRequestTimeouts() + ", idleCloses=" + idleCloses()
            + ", framesTooLarge=" + framesTooLarge() + ", negativeFrameSizes=" + negativeFrameSizes()
            + ", truncatedFrames=" + truncatedFrames() + ", malformed=" + malformedRequests()
            + ", unknownApiKeys=" + unknownApiKeys() + ", unsupportedVersions=" + unsupportedVersions()
            + ", requests=" + requests() + ", handlerErrors=" + handlerErrors()
            + ", channelErrors=" + channelErrors() + ", readPauses=" + readPauses()
            + ", queuedBytesPauses=" + queuedBytesPauses() + ", queuedRequestBytes=" + queuedRequestBytes()
            + ", bytesIn=" + bytesIn() + ", bytesOut=" + bytesOut() + '}';
    }
}
