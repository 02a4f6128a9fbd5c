package dev.k3sautoscaler.core.report;

import java.util.Locale;

/**
 * Dollars in the operator's words: what workers cost per hour and per month, from
 * WORKER_HOURLY_PRICE_USD. Every decision, notice and event words money through this one class.
 */
public record WorkerPrice(double hourlyUsd) {
    /** The month AWS prices by. */
    static final int HOURS_PER_MONTH = 730;

    public WorkerPrice {
        if (!(hourlyUsd > 0) || Double.isInfinite(hourlyUsd)) {
            throw new IllegalArgumentException("a worker's hourly price must be a positive number: " + hourlyUsd);
        }
    }

    public double perHour(int workers) {
        return hourlyUsd * workers;
    }

    /** "adds $0.0624/hour (≈ $45.55/month)" for 3 workers. */
    public String adds(int workers) {
        return "adds " + perHourAndMonth(workers);
    }

    /** "saves $0.0208/hour (≈ $15.18/month)" for 1 worker. */
    public String saves(int workers) {
        return "saves " + perHourAndMonth(workers);
    }

    /** "$0.1040/hour (≈ $75.92/month)". */
    public String perHourAndMonth(int workers) {
        double hour = perHour(workers);
        return dollars(hour) + "/hour (≈ " + dollars(hour * HOURS_PER_MONTH) + "/month)";
    }

    /** Four decimals under a dollar (instance prices are quoted so), two above. */
    static String dollars(double usd) {
        return usd < 1 ? String.format(Locale.ROOT, "$%.4f", usd) : String.format(Locale.ROOT, "$%,.2f", usd);
    }
}
