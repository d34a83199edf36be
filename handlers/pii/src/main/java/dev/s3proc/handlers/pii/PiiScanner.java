package dev.s3proc.handlers.pii;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data and secrets in text, by the checks each kind of value carries rather than by
 * its shape alone: card numbers must pass Luhn and belong to a known issuer range, IBANs must pass
 * ISO 13616's mod-97 with their country's length, social security numbers must have a valid area,
 * group and serial, phone numbers must be valid numbers for their region (Google's libphonenumber)
 * and written as phone numbers are (separators or a leading +, not a bare run of digits, which is
 * far more often an order number). A finding keeps where it was (page, line) and a masked form,
 * never the value.
 */
public final class PiiScanner {
  /** The kinds of value found. */
  public enum Type {
    EMAIL,
    CARD,
    SSN,
    IBAN,
    PHONE,
    AWS_ACCESS_KEY,
    SECRET
  }

  /**
   * One value found.
   *
   * @param page 1-based page of a paged document, 0 for plain text
   * @param line 1-based line within the page (or the text)
   * @param masked what may be shown of it, e.g. {@code ****1234}
   */
  public record Finding(Type type, int page, int line, String masked) {}

  private static final Pattern EMAIL =
      Pattern.compile(
          "(?<![\\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
              + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+([A-Za-z]{2,24})(?![\\w-])");

  /** Top-level domains that are file extensions in practice ({@code icon@2x.png}). */
  private static final Set<String> FILE_EXTENSIONS =
      Set.of("png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "pdf", "zip", "txt");

  /**
   * 13 to 19 digits, in one run or in groups split by one space or dash; not glued to other digits
   * by a dot, slash or dash (a decimal, a date, an identifier), but a comma may separate it from
   * them (a CSV field), and a full stop may end the sentence after it.
   */
  private static final Pattern CARD =
      Pattern.compile("(?<!\\d|\\d[./-])(?:\\d[ -]?){12,18}\\d(?!\\d|[./-]\\d)");

  private static final Pattern SSN =
      Pattern.compile("(?<![\\d-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\d-])");

  /** A stretch that could hold a phone number: digits, separators, a leading + or (. */
  private static final Pattern PHONE_CANDIDATE = Pattern.compile("[+(]?\\d[\\d ().\\-/]*\\d\\)?");

  /** A date or a time stamp's date: never a phone number, often phone-shaped. */
  private static final Pattern DATE =
      Pattern.compile("\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}(?!\\d)");

  /** Where an IBAN can start: a country code and two check digits, at a word's start. */
  private static final Pattern IBAN = Pattern.compile("(?<![A-Za-z0-9])([A-Z]{2})\\d{2}");

  private static final Pattern AWS_KEY =
      Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])");

  /** 40 characters of base64's alphabet: the length of an AWS secret access key. */
  private static final Pattern SECRET =
      Pattern.compile("(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");

  /** IBAN lengths by country (ISO 13616 registry, SWIFT's IBAN registry release 99, 2024). */
  private static final Map<String, Integer> IBAN_LENGTHS = ibanLengths();

  /**
   * libphonenumber logs a warning for every country without alternate formats (+1 among them):
   * quieted, and held here, since java.util.logging keeps its loggers only weakly.
   */
  private static final java.util.logging.Logger PHONE_LOG = quiet("com.google.i18n.phonenumbers");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(name);
    log.setLevel(java.util.logging.Level.SEVERE);
    return log;
  }

  private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
  private final String defaultRegion;

  /**
   * @param defaultRegion where a phone number written without its country code is taken to be (ISO
   *     3166 alpha-2, e.g. US)
   */
  public PiiScanner(String defaultRegion) {
    this.defaultRegion = defaultRegion;
  }

  /** Findings in one page (or a whole plain text: page 0), in reading order. */
  public List<Finding> scan(String text, int page) {
    List<Finding> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      scanLine(lines[i], page, i + 1, out);
    }
    return out;
  }

  /** Counts by type of some findings, every type present (0 when none). */
  public static Map<Type, Integer> counts(List<Finding> findings) {
    Map<Type, Integer> counts = new EnumMap<>(Type.class);
    for (Type t : Type.values()) {
      counts.put(t, 0);
    }
    findings.forEach(f -> counts.merge(f.type(), 1, Integer::sum));
    return counts;
  }

  private void scanLine(String line, int page, int number, List<Finding> out) {
    // spans taken by one finding are not read again by another (a card's digits are no phone)
    List<int[]> taken = new ArrayList<>();
    List<Finding> found = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    // cheap tests first: most lines of most texts can hold none of these
    int lineDigits = digits(line);
    boolean upper = line.chars().anyMatch(ch -> ch >= 'A' && ch <= 'Z');
    Matcher m = EMAIL.matcher(line.indexOf('@') >= 0 ? line : "");
    while (m.find()) {
      if (!FILE_EXTENSIONS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        add(
            found,
            starts,
            taken,
            m.start(),
            m.end(),
            Type.EMAIL,
            page,
            number,
            maskEmail(m.group()));
      }
    }
    m = AWS_KEY.matcher(upper && line.length() >= 20 ? line : "");
    while (m.find()) {
      add(
          found,
          starts,
          taken,
          m.start(),
          m.end(),
          Type.AWS_ACCESS_KEY,
          page,
          number,
          mask(m.group(), 4));
    }
    m = IBAN.matcher(upper && lineDigits >= 2 ? line : "");
    while (m.find()) {
      int end = ibanEnd(line, m.start(), IBAN_LENGTHS.getOrDefault(m.group(1), 0));
      if (end > 0 && free(taken, m.start(), end)) {
        String iban = line.substring(m.start(), end).replace(" ", "");
        if (validIban(iban)) {
          add(found, starts, taken, m.start(), end, Type.IBAN, page, number, mask(iban, 4));
        } else {
          taken.add(new int[] {m.start(), end}); // an IBAN mistyped: none of its digits is a phone
        }
      }
    }
    m = CARD.matcher(lineDigits >= 13 ? line : "");
    while (m.find()) {
      // the longest run first, then shorter ones ending at a separator: a card number followed
      // by other digits ("4111 1111 1111 1111 12 units") is still found
      String raw = m.group();
      for (int len : cuts(raw)) {
        String candidate = raw.substring(0, len);
        String digits = candidate.replaceAll("[ -]", "");
        if (digits.length() >= 13
            && !inIdentifier(line, m.start(), m.start() + len)
            && free(taken, m.start(), m.start() + len)
            && wellGrouped(candidate)
            && luhn(digits)
            && knownIssuer(digits)) {
          add(
              found,
              starts,
              taken,
              m.start(),
              m.start() + len,
              Type.CARD,
              page,
              number,
              mask(digits, 4));
          break;
        }
      }
    }
    m = SSN.matcher(lineDigits >= 9 ? line : "");
    while (m.find()) {
      if (free(taken, m.start(), m.end()) && validSsn(m.group(1), m.group(3), m.group(4))) {
        add(
            found,
            starts,
            taken,
            m.start(),
            m.end(),
            Type.SSN,
            page,
            number,
            "***-**-" + m.group(4));
      }
    }
    m = SECRET.matcher(line.length() >= 40 && lineDigits > 0 ? line : "");
    while (m.find()) {
      if (free(taken, m.start(), m.end()) && secretLooking(m.group())) {
        add(
            found,
            starts,
            taken,
            m.start(),
            m.end(),
            Type.SECRET,
            page,
            number,
            mask(m.group(), 4));
      }
    }
    // phone numbers: valid for their region and grouped as that region writes them; not a bare run
    // of digits, nor part of an identifier (INV-2026-065403). libphonenumber is the slow part, so
    // it
    // reads only the stretches that could hold one (7 digits or more, with separators between)
    Matcher c = PHONE_CANDIDATE.matcher(lineDigits >= 7 ? line : "");
    while (c.find()) {
      String stretch = c.group();
      int n = digits(stretch);
      if (n < 7 || n > 17 || !written(stretch) || DATE.matcher(stretch).lookingAt()) {
        continue;
      }
      for (PhoneNumberMatch p :
          phones.findNumbers(
              stretch, defaultRegion, PhoneNumberUtil.Leniency.STRICT_GROUPING, Long.MAX_VALUE)) {
        int start = c.start() + p.start();
        int end = c.start() + p.end();
        String raw = p.rawString();
        if (written(raw) && !inIdentifier(line, start, end) && free(taken, start, end)) {
          String digits = raw.replaceAll("\\D", "");
          add(found, starts, taken, start, end, Type.PHONE, page, number, mask(digits, 2));
        }
      }
    }
    order(found, starts, out);
  }

  /** Adds a line's findings to {@code out} in reading order. */
  private static void order(List<Finding> found, List<Integer> starts, List<Finding> out) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(starts::get));
    order.forEach(i -> out.add(found.get(i)));
  }

  private static int digits(String line) {
    int n = 0;
    for (int i = 0; i < line.length(); i++) {
      if (Character.isDigit(line.charAt(i))) {
        n++;
      }
    }
    return n;
  }

  private static void add(
      List<Finding> found,
      List<Integer> starts,
      List<int[]> taken,
      int start,
      int end,
      Type type,
      int page,
      int line,
      String masked) {
    if (!free(taken, start, end)) {
      return;
    }
    taken.add(new int[] {start, end});
    found.add(new Finding(type, page, line, masked));
    starts.add(start);
  }

  /** Written as a phone number is: with a leading + or (, or separators between its digits. */
  static boolean written(String raw) {
    if (raw.startsWith("+") || raw.startsWith("(")) {
      return true;
    }
    for (int i = 1; i + 1 < raw.length(); i++) {
      if (" ().-/".indexOf(raw.charAt(i)) >= 0
          && Character.isDigit(raw.charAt(i - 1))
          && (Character.isDigit(raw.charAt(i + 1)) || raw.charAt(i + 1) == '(')) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a span is glued to letters or digits by a hyphen, slash or dot (an identifier's part).
   */
  static boolean inIdentifier(String line, int start, int end) {
    boolean before =
        start >= 2
            && "-/.".indexOf(line.charAt(start - 1)) >= 0
            && Character.isLetterOrDigit(line.charAt(start - 2));
    boolean after =
        end + 1 < line.length()
            && "-/.".indexOf(line.charAt(end)) >= 0
            && Character.isLetterOrDigit(line.charAt(end + 1));
    return before || after;
  }

  private static boolean free(List<int[]> taken, int start, int end) {
    for (int[] t : taken) {
      if (start < t[1] && t[0] < end) {
        return false;
      }
    }
    return true;
  }

  /** The whole run's length, then each length that ends before a separator, longest first. */
  static List<Integer> cuts(String raw) {
    List<Integer> cuts = new ArrayList<>(List.of(raw.length()));
    for (int i = raw.length() - 1; i > 0; i--) {
      if (raw.charAt(i) == ' ' || raw.charAt(i) == '-') {
        cuts.add(i);
      }
    }
    return cuts;
  }

  /** A card number's groups: none, or all of 4 digits (the last 1-4), or 4-6-5 / 4-6-4. */
  static boolean wellGrouped(String raw) {
    if (!raw.contains(" ") && !raw.contains("-")) {
      return true;
    }
    if (raw.contains(" ") && raw.contains("-")) {
      return false;
    }
    String[] groups = raw.split("[ -]");
    if (groups.length == 3
        && groups[0].length() == 4
        && groups[1].length() == 6
        && (groups[2].length() == 5 || groups[2].length() == 4)) {
      return true;
    }
    for (int i = 0; i < groups.length; i++) {
      int n = groups[i].length();
      if (i < groups.length - 1 ? n != 4 : n < 1 || n > 4) {
        return false;
      }
    }
    return true;
  }

  static boolean luhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  /**
   * Issuer ranges and lengths (ISO/IEC 7812 IINs as the networks publish them): Visa 4 (13, 16,
   * 19), Mastercard 51-55 and 2221-2720 (16), American Express 34, 37 (15), Discover 6011, 644-649,
   * 65 (16-19), JCB 3528-3589 (16-19), Diners Club 300-305, 36, 38, 39 (14-19), UnionPay 62
   * (16-19).
   */
  static boolean knownIssuer(String d) {
    int n = d.length();
    int p2 = Integer.parseInt(d.substring(0, 2));
    int p3 = Integer.parseInt(d.substring(0, 3));
    int p4 = Integer.parseInt(d.substring(0, 4));
    if (d.charAt(0) == '4') {
      return n == 13 || n == 16 || n == 19;
    }
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
      return n == 16;
    }
    if (p2 == 34 || p2 == 37) {
      return n == 15;
    }
    if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) {
      return n >= 16 && n <= 19;
    }
    if (p4 >= 3528 && p4 <= 3589) {
      return n >= 16 && n <= 19;
    }
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) {
      return n >= 14 && n <= 19;
    }
    if (p2 == 62) {
      return n >= 16 && n <= 19;
    }
    return false;
  }

  /**
   * The Social Security Administration never issues area 000, 666 or 900-999, group 00 or serial
   * 0000; two numbers printed on sample cards (078-05-1120, 219-09-9999) were voided.
   */
  static boolean validSsn(String area, String group, String serial) {
    int a = Integer.parseInt(area);
    if (a == 0 || a == 666 || a >= 900) {
      return false;
    }
    if (group.equals("00") || serial.equals("0000")) {
      return false;
    }
    String ssn = area + "-" + group + "-" + serial;
    return !ssn.equals("078-05-1120") && !ssn.equals("219-09-9999");
  }

  /**
   * Where an IBAN of {@code length} characters starting at {@code start} ends, read as printed
   * (groups of four split by single spaces, or none); -1 when the text does not hold that many, or
   * more letters or digits follow.
   */
  static int ibanEnd(String line, int start, int length) {
    if (length == 0) {
      return -1;
    }
    int count = 0;
    int i = start;
    while (i < line.length() && count < length) {
      char c = line.charAt(i);
      if (Character.isDigit(c) || (c >= 'A' && c <= 'Z')) {
        count++;
        i++;
      } else if (c == ' ' && count % 4 == 0 && count > 0 && i + 1 < line.length()) {
        i++;
      } else {
        return -1;
      }
    }
    if (count < length) {
      return -1;
    }
    return i < line.length() && Character.isLetterOrDigit(line.charAt(i)) ? -1 : i;
  }

  /** ISO 13616: the country's length, then the number mod 97 is 1 (ISO 7064 MOD 97-10). */
  static boolean validIban(String iban) {
    Integer length = IBAN_LENGTHS.get(iban.substring(0, 2));
    if (length == null || iban.length() != length) {
      return false;
    }
    String rearranged = iban.substring(4) + iban.substring(0, 4);
    StringBuilder digits = new StringBuilder();
    for (char c : rearranged.toCharArray()) {
      digits.append(Character.isDigit(c) ? String.valueOf(c) : Integer.toString(c - 'A' + 10));
    }
    return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }

  /**
   * Forty characters of base64's alphabet that look random, as a secret access key does: upper and
   * lower case and digits all present, not a hex digest, and close to base64's entropy.
   */
  static boolean secretLooking(String s) {
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (char c : s.toCharArray()) {
      upper |= Character.isUpperCase(c);
      lower |= Character.isLowerCase(c);
      digit |= Character.isDigit(c);
    }
    return upper && lower && digit && entropy(s) >= 4.0;
  }

  /** Shannon entropy in bits per character. */
  static double entropy(String s) {
    Map<Character, Integer> counts = new java.util.HashMap<>();
    for (char c : s.toCharArray()) {
      counts.merge(c, 1, Integer::sum);
    }
    double h = 0;
    for (int n : counts.values()) {
      double p = (double) n / s.length();
      h -= p * Math.log(p) / Math.log(2);
    }
    return h;
  }

  static String mask(String value, int keep) {
    return "****" + value.substring(Math.max(0, value.length() - keep));
  }

  static String maskEmail(String email) {
    int at = email.indexOf('@');
    return email.charAt(0) + "***" + email.substring(at);
  }

  private static Map<String, Integer> ibanLengths() {
    String table =
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18"
            + " DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22"
            + " IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22"
            + " MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24"
            + " SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20";
    Map<String, Integer> m = new java.util.HashMap<>();
    for (String e : table.split(" ")) {
      m.put(e.substring(0, 2), Integer.parseInt(e.substring(2)));
    }
    return Map.copyOf(m);
  }
}
