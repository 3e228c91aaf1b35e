package dev.signaling.core;

/**
 * A token-bucket limit: {@code perSecond} units a second sustained, {@code burst} units at once.
 * What a unit is (a message, a register, a byte) depends on the setting that uses it; {@link #OFF}
 * means no limit.
 *
 * @param perSecond units a second, sustained; {@code 0} only in {@link #OFF}
 * @param burst units allowed at once; at least {@code perSecond}
 */
public record RateLimit(long perSecond, long burst) {

  /** No limit. */
  public static final RateLimit OFF = new RateLimit(0, 0);

  /**
   * Checks the values.
   *
   * @param perSecond units a second, sustained
   * @param burst units allowed at once
   * @throws IllegalArgumentException if {@code perSecond} is negative, or zero outside {@link #OFF},
   *     or {@code burst} is below {@code perSecond}
   */
  public RateLimit {
    if (perSecond < 0 || (perSecond == 0 && burst != 0)) {
      throw new IllegalArgumentException("perSecond must be > 0 (or both 0 for no limit): " + perSecond);
    }
    if (burst < perSecond) {
      throw new IllegalArgumentException("burst must be >= perSecond: " + burst + " < " + perSecond);
    }
  }

  /**
   * Whether this limits anything.
   *
   * @return {@code false} for {@link #OFF}
   */
  public boolean isOn() {
    return perSecond > 0;
  }

  @Override
  public String toString() {
    return isOn() ? perSecond + "/s burst " + burst : "off";
  }
}
