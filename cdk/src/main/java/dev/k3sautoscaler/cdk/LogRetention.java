package dev.k3sautoscaler.cdk;

import software.amazon.awscdk.services.logs.RetentionDays;

import java.util.Arrays;
import java.util.List;

/** CloudWatch Logs accepts only these retention periods. */
final class LogRetention {
    static final List<Integer> VALID_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
            1096, 1827, 2192, 2557, 2922, 3288, 3653);

    private LogRetention() {
    }

    static RetentionDays of(int days) {
        return Arrays.stream(RetentionDays.values())
                .filter(r -> days(r) == days)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no CloudWatch retention of " + days + " days"));
    }

    private static int days(RetentionDays retention) {
        return switch (retention) {
            case ONE_DAY -> 1;
            case THREE_DAYS -> 3;
            case FIVE_DAYS -> 5;
            case ONE_WEEK -> 7;
            case TWO_WEEKS -> 14;
            case ONE_MONTH -> 30;
            case TWO_MONTHS -> 60;
            case THREE_MONTHS -> 90;
            case FOUR_MONTHS -> 120;
            case FIVE_MONTHS -> 150;
            case SIX_MONTHS -> 180;
            case ONE_YEAR -> 365;
            case THIRTEEN_MONTHS -> 400;
            case EIGHTEEN_MONTHS -> 545;
            case TWO_YEARS -> 731;
            case THREE_YEARS -> 1096;
            case FIVE_YEARS -> 1827;
            case SIX_YEARS -> 2192;
            case SEVEN_YEARS -> 2557;
            case EIGHT_YEARS -> 2922;
            case NINE_YEARS -> 3288;
            case TEN_YEARS -> 3653;
            default -> -1;
        };
    }
}
