package dev.k3sautoscaler.core.scaledown;

/**
 * What DeleteNode did, as facts with a stable {@link Code}; {@link NodeOperationWording} words it.
 * A Node already gone is success either way.
 */
public sealed interface DeleteOutcome {

    Code code();

    enum Code { DELETED, ALREADY_GONE, GONE_WHILE_DELETING }

    record Deleted(String node) implements DeleteOutcome {
        public Code code() { return Code.DELETED; }
    }

    /** @param node the node as the workflow named it (name, instance id, or both); not found when looked up */
    record AlreadyGone(String node) implements DeleteOutcome {
        public Code code() { return Code.ALREADY_GONE; }
    }

    /** Found, then the DELETE answered 404: it vanished in between. */
    record GoneWhileDeleting(String node) implements DeleteOutcome {
        public Code code() { return Code.GONE_WHILE_DELETING; }
    }
}
