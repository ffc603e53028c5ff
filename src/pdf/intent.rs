//! The output intent PDF/A asks of a file that paints in a device colour
//! space: the colours on the page (all `DeviceRGB`) are meant as sRGB,
//! and here is the profile that says what sRGB is. The profile is public
//! domain and 456 bytes (`icc/README.md`).

use lopdf::{Dictionary, Document as Lo, Object};

use super::{Effort, fonts, text};

/// The embedded sRGB profile.
const SRGB: &[u8] = include_bytes!("icc/sRGB-v2-micro.icc");

/// The registered name of the characterisation the pages are meant for
/// (the ICC registry's entry for sRGB).
const CONDITION: &str = "sRGB IEC61966-2.1";

/// Adds the profile and returns the catalogue's `/OutputIntents`.
pub(super) fn output_intents(lo: &mut Lo) -> Object {
    let mut profile = Dictionary::new();
    profile.set("N", 3);
    let profile = lo.add_object(fonts::deflated(profile, SRGB.to_vec(), Effort::Thorough));
    let mut intent = Dictionary::new();
    intent.set("Type", Object::Name(b"OutputIntent".to_vec()));
    intent.set("S", Object::Name(b"GTS_PDFA1".to_vec()));
    intent.set("OutputConditionIdentifier", text(CONDITION));
    intent.set("Info", text(CONDITION));
    intent.set("DestOutputProfile", Object::Reference(profile));
    Object::Array(vec![Object::Dictionary(intent)])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The profile is the one its README names: an ICC v2 display
    /// profile of RGB (what PDF/A's rule 6.2.4.2 asks of it).
    #[test]
    fn the_profile_is_a_v2_rgb_display_profile() {
        use sha2::Digest;
        assert_eq!(SRGB.len(), 456);
        assert_eq!(&SRGB[12..16], b"mntr");
        assert_eq!(&SRGB[16..20], b"RGB ");
        assert_eq!(&SRGB[36..40], b"acsp");
        assert_eq!(SRGB[8], 2);
        let digest: String = sha2::Sha256::digest(SRGB)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let readme = include_str!("icc/README.md");
        assert!(readme.contains(&digest), "README names another profile");
    }
}
