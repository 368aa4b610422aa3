//! `demo` and `template`: filling the register and the checklist catalogue.

use super::TemplateAction;
use crate::checklist;
use crate::demo::{self, DemoOptions};
use crate::i18n::tf;
use crate::store::Store;

/// `zoufang demo`: synthetic villages.
pub fn demo(store: &mut Store, opts: DemoOptions) -> anyhow::Result<()> {
    let r = demo::generate(store, &opts)?;
    say!(
        "{}",
        tf(
            "cli.demo_done",
            &[
                ("villages", &r.villages.to_string()),
                ("households", &r.households.to_string()),
                ("members", &r.members.to_string()),
                ("cadres", &r.cadres.to_string()),
                ("db", &store.path().display().to_string()),
            ],
        )
    );
    say!("{}", tf("cli.demo_visits", &[("visits", &r.visits.to_string()), ("months", &opts.months.to_string())]));
    Ok(())
}

/// `zoufang template load|list`.
pub fn template(store: &mut Store, action: TemplateAction) -> anyhow::Result<()> {
    match action {
        TemplateAction::Load { file } => {
            let loaded = checklist::load_file(store, &file)?;
            let key = if loaded.new { "cli.template_loaded" } else { "cli.template_known" };
            say!("{}", tf(key, &[("name", &loaded.name), ("version", &loaded.version)]));
        }
        TemplateAction::List => {
            store.write(checklist::ensure_builtins)?;
            for row in store.templates()? {
                let loaded = row.created_at.get(..10).unwrap_or(&row.created_at);
                let hash = row.content_hash.get(..12).unwrap_or(&row.content_hash);
                say!("{loaded}  {}  {}  {}  {hash}", row.code, row.version, row.name);
            }
        }
    }
    Ok(())
}
