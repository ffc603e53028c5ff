// Validates PDFs with veraPDF's validation engine against one of its
// official profiles (PDFA-2A, PDFA-2U, PDFUA-1, ...), offline: the engine
// and the profiles come from the pinned wheel scripts/test installs.
//
//   java -cp <engine jar>:<jaxb jars>:<dir of Vera.class> Vera PROFILE FILE...
//
// Prints, per file, "FILE PROFILE compliant" or "FILE PROFILE failed" and
// one line per failed rule: its clause, test number, the number of failed
// checks, its description and the context of its first failure. Exits 1
// when a file is not compliant, 2 when it cannot be read.

import java.io.File;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.Profiles;
import org.verapdf.pdfa.validation.profiles.Rule;
import org.verapdf.pdfa.validation.profiles.RuleId;
import org.verapdf.pdfa.validation.profiles.ValidationProfile;

public class Vera {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Vera PROFILE FILE...");
            System.exit(2);
        }
        VeraGreenfieldFoundryProvider.initialise();
        String resource = "org/verapdf/pdfa/validation/" + args[0] + ".xml";
        ValidationProfile profile;
        try (InputStream in = Vera.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                System.err.println("no profile " + resource);
                System.exit(2);
                return;
            }
            profile = Profiles.profileFromXml(in);
        }
        boolean allCompliant = true;
        for (int i = 1; i < args.length; i++) {
            File file = new File(args[i]);
            try (PDFAParser parser = Foundries.defaultInstance().createParser(file, profile.getPDFAFlavour())) {
                PDFAValidator validator = Foundries.defaultInstance().createValidator(profile, false);
                ValidationResult result = validator.validate(parser);
                boolean ok = result.isCompliant();
                allCompliant &= ok;
                System.out.println(args[i] + " " + args[0] + (ok ? " compliant" : " failed"));
                Map<String, String> firstContext = new TreeMap<>();
                for (TestAssertion a : result.getTestAssertions()) {
                    if (a.getStatus() == TestAssertion.Status.FAILED) {
                        firstContext.putIfAbsent(key(a.getRuleId()), a.getLocationContext() + " " + a.getErrorMessage());
                    }
                }
                Map<String, String> lines = new TreeMap<>();
                for (Map.Entry<RuleId, Integer> e : result.getFailedChecks().entrySet()) {
                    RuleId id = e.getKey();
                    Rule rule = profile.getRuleByRuleId(id);
                    String what = rule == null ? "" : rule.getDescription();
                    lines.put(key(id), "  " + key(id) + " x" + e.getValue() + ": " + what + " [" + firstContext.getOrDefault(key(id), "") + "]");
                }
                for (String l : lines.values()) {
                    System.out.println(l);
                }
            } catch (Exception e) {
                System.out.println(args[i] + " " + args[0] + " unreadable: " + e);
                System.exit(2);
            }
        }
        System.exit(allCompliant ? 0 : 1);
    }

    private static String key(RuleId id) {
        return id.getClause() + "-" + id.getTestNumber();
    }
}
