package dev.k3sautoscaler.core.lifecycle;

import java.util.Locale;

/** An EC2 instance's state as the reconcile reads it, plus {@link #NOT_FOUND}: looked up by id, unknown to EC2. */
public enum InstanceState {
    PENDING, RUNNING, STOPPING, STOPPED, SHUTTING_DOWN, TERMINATED, NOT_FOUND;

    /** EC2's state name ({@code shutting-down}) → the state. */
    public static InstanceState fromEc2(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Pending or running: the machine is billed and may still become (or be) a worker. */
    public boolean alive() {
        return this == PENDING || this == RUNNING;
    }

    /** Shutting-down, terminated or unknown to EC2: the machine is no more (or never was, as far as EC2 says). */
    public boolean gone() {
        return this == SHUTTING_DOWN || this == TERMINATED || this == NOT_FOUND;
    }

    /** EC2's spelling, for the words an operator reads. */
    public String ec2Name() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
