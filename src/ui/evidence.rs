//! 照片与签字 on a visit: thumbnails (a click opens the photo large), adding photos from a
//! file dialog, by dropping files on the window or by typing a path, deleting with 撤销, and
//! the two signature pads (the household's, with who signed, and the cadre's). Decoding — of a
//! new photo, a thumbnail or a large view — is always a job on a worker thread.
//!
//! On a saved visit each change is written at once. On a visit not saved yet the section holds
//! what is taken ([`NewEvidence`]: photos staged in the photo file, signatures as strokes) and
//! the form saves it with the visit, in one transaction, and keeps it with its draft meanwhile.

use super::cache::Cached;
use super::cx::Cx;
use super::jobs::Task;
use super::signature_pad::signature_pad;
use super::widgets::{Dialog, ERROR, OK, busy, run_dialog};
use crate::i18n::{t, tf};
use crate::model::attachment::{AttachmentKind, Signatures};
use crate::model::coded::Relation;
use crate::model::register::Member;
use crate::photo::Strokes;
use crate::store::{Added, AttachmentRow, NewEvidence, PendingPhoto, PendingSignature, Store};
use egui::{ColorImage, RichText, TextureHandle, Ui};
use std::collections::HashMap;
use std::path::PathBuf;

/// What the section shows, read again when the data revision moves.
struct Loaded {
    photos: Vec<AttachmentRow>,
    signatures: Signatures,
    household: Option<(String, Strokes)>,
    cadre: Option<(String, Strokes)>,
}

/// What became of each file offered: its name and stored, duplicate or the refusal.
type AddOutcomes = Vec<(String, Result<Added, String>)>;

/// What an adding job did: each file's outcome, and the photos staged for a visit not saved yet.
type AddDone = (AddOutcomes, Vec<PendingPhoto>);

/// One signature pad's state.
#[derive(Default)]
struct Pad {
    /// What is being drawn (not yet confirmed).
    strokes: Strokes,
    /// Drawing again over a stored signature (重签).
    redo: bool,
}

/// The photos and signatures of one visit.
#[derive(Default)]
pub struct Evidence {
    visit_id: String,
    /// A visit not saved yet: what is taken is held here until the visit is saved.
    pending: Option<NewEvidence>,
    loaded: Cached<String, Loaded>,
    thumbs: HashMap<String, TextureHandle>,
    thumbs_job: Option<Task<Vec<(String, ColorImage)>>>,
    adding: Option<Task<AddDone>>,
    typed: String,
    large: Option<(String, Option<TextureHandle>)>,
    large_job: Option<Task<ColorImage>>,
    undo: Option<String>,
    /// A held photo deleted, with where it stood (撤销 puts it back).
    pending_undo: Option<(usize, PendingPhoto)>,
    household: Pad,
    cadre: Pad,
    signer: String,
}

fn color_image(bytes: &[u8]) -> Result<ColorImage, String> {
    let image = crate::photo::decode(bytes).map_err(|e| e.to_string())?.to_rgba8();
    let size = [image.width() as usize, image.height() as usize];
    Ok(ColorImage::from_rgba_unmultiplied(size, image.as_raw()))
}

impl Evidence {
    /// The section of the visit `visit_id`.
    pub fn new(visit_id: &str) -> Self {
        Evidence { visit_id: visit_id.to_string(), ..Evidence::default() }
    }

    /// The section of a visit not saved yet, holding `held` (a recovered draft's, or nothing).
    pub fn pending(held: NewEvidence) -> Self {
        Evidence { pending: Some(held), ..Evidence::default() }
    }

    /// What is held for a visit not saved yet (`None` on a saved visit).
    pub fn held(&self) -> Option<&NewEvidence> {
        self.pending.as_ref()
    }

    /// Whether photos are still being read and scaled (the visit waits for them before saving).
    pub fn is_adding(&self) -> bool {
        self.adding.is_some()
    }

    fn load(&mut self, cx: &Cx<'_>) -> Result<std::rc::Rc<Loaded>, String> {
        if let Some(held) = &self.pending {
            let photos = held.photos.iter().map(held_row).collect();
            let side = |s: &Option<PendingSignature>| s.as_ref().map(|s| (s.signer.clone(), s.strokes.clone()));
            return Ok(std::rc::Rc::new(Loaded {
                photos,
                signatures: held.signatures(),
                household: side(&held.household),
                cadre: side(&held.cadre),
            }));
        }
        let store: &Store = cx.store;
        self.loaded.get(cx.revision, self.visit_id.clone(), |id| {
            Ok::<_, crate::store::StoreError>(Loaded {
                photos: store.attachments_of(id)?.into_iter().filter(|a| a.kind == AttachmentKind::Photo).collect(),
                signatures: store.signatures(id)?,
                household: store.signature_strokes(id, AttachmentKind::Household)?,
                cadre: store.signature_strokes(id, AttachmentKind::Cadre)?,
            })
        })
    }

    /// Which signatures the visit has (as last read).
    pub fn signatures(&mut self, cx: &Cx<'_>) -> Signatures {
        self.load(cx).map_or(Signatures::None, |l| l.signatures)
    }

    /// Draws the section; `members` are the household's, to say who signed.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, members: &[Member]) {
        self.poll(cx, ui.ctx());
        let loaded = match self.load(cx) {
            Ok(l) => l,
            Err(e) => {
                super::widgets::load_error(ui, &e);
                return;
            }
        };
        let color = if loaded.signatures == Signatures::Both { OK } else { ERROR };
        ui.horizontal(|ui| {
            ui.label(RichText::new(t("evidence.title")).strong().size(17.0));
            ui.label(RichText::new(loaded.signatures.label()).color(color).strong());
        });
        self.photos_ui(cx, ui, &loaded, true);
        self.add_ui(cx, ui);
        ui.add_space(8.0);
        self.signatures_ui(cx, ui, &loaded, members);
        self.large_ui(ui);
    }

    fn poll(&mut self, cx: &mut Cx<'_>, ctx: &egui::Context) {
        if let Some(done) = self.thumbs_job.as_ref().and_then(Task::poll) {
            self.thumbs_job = None;
            for (sha, image) in done.unwrap_or_default() {
                let texture = ctx.load_texture(format!("thumb-{sha}"), image, egui::TextureOptions::LINEAR);
                self.thumbs.insert(sha, texture);
            }
        }
        if let Some(done) = self.large_job.as_ref().and_then(Task::poll) {
            self.large_job = None;
            match (done, self.large.as_mut()) {
                (Ok(image), Some((sha, shown))) => {
                    *shown = Some(ctx.load_texture(format!("photo-{sha}"), image, egui::TextureOptions::LINEAR));
                }
                (Err(e), _) => {
                    self.large = None;
                    cx.error(e);
                }
                _ => {}
            }
        }
        if let Some(done) = self.adding.as_ref().and_then(Task::poll) {
            self.adding = None;
            match done {
                Ok((mut outcomes, staged)) => {
                    if let Some(held) = self.pending.as_mut() {
                        // Held in the order chosen; a picture already held is a duplicate.
                        let mut staged = staged.into_iter();
                        for (_, outcome) in outcomes.iter_mut().filter(|(_, o)| matches!(o, Ok(Added::Stored(_)))) {
                            if let Some(photo) = staged.next() {
                                *outcome = Ok(held.hold(photo));
                            }
                        }
                    }
                    report_added(cx, &outcomes)
                }
                Err(e) => cx.error(e),
            }
        }
    }

    /// The visit's thumbnails and signature state only, for 户详情: a click opens a photo large.
    pub fn gallery(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        self.poll(cx, ui.ctx());
        let Ok(loaded) = self.load(cx) else { return };
        ui.horizontal(|ui| {
            ui.label(RichText::new(t("evidence.latest")).strong());
            let color = if loaded.signatures == Signatures::Both { OK } else { ERROR };
            ui.label(RichText::new(loaded.signatures.label()).color(color));
        });
        self.photos_ui(cx, ui, &loaded, false);
        self.large_ui(ui);
    }

    /// The visit this section shows.
    pub fn visit_id(&self) -> &str {
        &self.visit_id
    }

    fn photos_ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, loaded: &Loaded, editable: bool) {
        let missing: Vec<String> =
            loaded.photos.iter().map(|p| p.sha256.clone()).filter(|s| !self.thumbs.contains_key(s)).collect();
        if !missing.is_empty() && self.thumbs_job.is_none() {
            self.thumbs_job = Some(cx.spawn(t("evidence.job_thumbs").to_string(), false, move |store, _| {
                let mut out = Vec::new();
                for sha in missing {
                    if let Some(bytes) = store.thumbnail(&sha).map_err(|e| e.to_string())? {
                        out.push((sha, color_image(&bytes)?));
                    }
                }
                Ok(out)
            }));
        }
        let mut delete = None;
        ui.horizontal_wrapped(|ui| {
            if loaded.photos.is_empty() {
                ui.label(RichText::new(t("evidence.no_photos")).weak());
            }
            for (i, p) in loaded.photos.iter().enumerate() {
                ui.vertical(|ui| {
                    let name = tf("evidence.photo_n", &[("n", &(i + 1).to_string())]);
                    let clicked = match self.thumbs.get(&p.sha256) {
                        Some(tex) => {
                            let size = tex.size_vec2() * (120.0 / tex.size_vec2().max_elem().max(1.0));
                            ui.add(egui::Image::new((tex.id(), size)).sense(egui::Sense::click()))
                                .on_hover_text(t("evidence.open_large"))
                                .clicked()
                        }
                        None => ui.add_sized([120.0, 90.0], egui::Button::new(&name)).clicked(),
                    };
                    if clicked {
                        self.open_large(cx, &p.sha256);
                    }
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(&name).small());
                        if editable
                            && ui.small_button(tf("evidence.delete_n", &[("n", &(i + 1).to_string())])).clicked()
                        {
                            delete = Some(p.id.clone());
                        }
                    });
                });
            }
        });
        match (delete, self.pending.as_mut()) {
            (Some(sha), Some(held)) => {
                if let Some(at) = held.photos.iter().position(|p| p.sha256 == sha) {
                    self.pending_undo = Some((at, held.photos.remove(at)));
                }
            }
            (Some(id), None) => {
                let r = cx.store.delete_attachment(&id);
                if cx.report(r, "").is_some() {
                    self.undo = Some(id);
                }
            }
            (None, _) => {}
        }
        if self.undo.is_some() || self.pending_undo.is_some() {
            ui.horizontal(|ui| {
                ui.label(t("evidence.deleted"));
                if ui.button(t("evidence.undo")).clicked() {
                    self.undo_delete(cx);
                }
            });
        }
    }

    /// 撤销删除: the deleted photo back (on a saved visit, its row undeleted).
    fn undo_delete(&mut self, cx: &mut Cx<'_>) {
        if let Some(id) = self.undo.take() {
            let r = cx.store.undelete_attachment(&id);
            cx.report(r, "");
        }
        if let (Some((at, photo)), Some(held)) = (self.pending_undo.take(), self.pending.as_mut()) {
            let at = at.min(held.photos.len());
            if !held.photos.iter().any(|p| p.sha256 == photo.sha256) {
                held.photos.insert(at, photo);
            }
        }
    }

    fn add_ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let mut files: Vec<PathBuf> = ui.ctx().input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect()
        });
        let busy = self.adding.is_some();
        ui.horizontal(|ui| {
            if ui.add_enabled(!busy, egui::Button::new(t("evidence.add"))).clicked() {
                let dialog = rfd::FileDialog::new().add_filter(t("evidence.filter"), &["jpg", "jpeg", "png", "webp"]);
                match run_dialog(|| dialog.pick_files()) {
                    Dialog::Chosen(chosen) => files.extend(chosen),
                    Dialog::Unavailable => cx.error(t("evidence.no_dialog")),
                    Dialog::Cancelled => {}
                }
            }
            let l = ui.label(t("evidence.path"));
            ui.add(egui::TextEdit::singleline(&mut self.typed).hint_text(t("evidence.path_hint")).desired_width(300.0))
                .labelled_by(l.id);
            if ui
                .add_enabled(!busy && !self.typed.trim().is_empty(), egui::Button::new(t("evidence.add_path")))
                .clicked()
            {
                files.push(PathBuf::from(self.typed.trim().trim_matches('"')));
                self.typed.clear();
            }
            ui.label(RichText::new(t("evidence.drop_hint")).weak());
        });
        if !files.is_empty() && !busy {
            self.add(cx, files);
        }
    }

    /// Adds `files` as photos on a worker: each is read, decoded, scaled and stored (on a visit
    /// not saved yet: its picture staged, the photo held when the job reports back).
    pub fn add(&mut self, cx: &mut Cx<'_>, files: Vec<PathBuf>) {
        let visit = self.visit_id.clone();
        let held = self.pending.is_some();
        self.adding = Some(cx.spawn(t("evidence.job_add").to_string(), true, move |store, progress| {
            progress.step(t("evidence.job_add"), files.len() as u64);
            let (mut out, mut staged) = (Vec::new(), Vec::new());
            for (i, file) in files.iter().enumerate() {
                if progress.cancelled() {
                    break;
                }
                progress.set_done(i as u64);
                let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                let prepared = std::fs::read(file)
                    .map_err(|e| crate::store::io_reason(&e))
                    .and_then(|bytes| crate::photo::prepare(&bytes).map_err(|e| e.to_string()));
                let outcome = prepared.and_then(|p| {
                    if !held {
                        return store.add_photo(&visit, &name, &p).map_err(|e| e.to_string());
                    }
                    store.stage_photo(&p).map_err(|e| e.to_string())?;
                    staged.push(PendingPhoto::of(&name, &p));
                    Ok(Added::Stored(p.sha256))
                });
                out.push((name, outcome));
            }
            Ok((out, staged))
        }));
    }

    fn open_large(&mut self, cx: &mut Cx<'_>, sha: &str) {
        let sha_owned = sha.to_string();
        self.large = Some((sha.to_string(), None));
        self.large_job = Some(cx.spawn(t("evidence.job_large").to_string(), false, move |store, _| {
            let bytes = match store.picture(&sha_owned).map_err(|e| e.to_string())? {
                Some(full) => full,
                None => store.thumbnail(&sha_owned).map_err(|e| e.to_string())?.unwrap_or_default(),
            };
            color_image(&bytes)
        }));
    }

    fn large_ui(&mut self, ui: &mut Ui) {
        let Some((_, shown)) = self.large.as_ref() else { return };
        let mut open = true;
        egui::Window::new(t("evidence.large_title")).open(&mut open).collapsible(false).resizable(true).show(
            ui.ctx(),
            |ui| match shown {
                Some(tex) => {
                    let avail = ui.ctx().content_rect().size() * 0.8;
                    let scale = (avail.x / tex.size_vec2().x).min(avail.y / tex.size_vec2().y).min(1.0);
                    ui.image((tex.id(), tex.size_vec2() * scale));
                }
                None => {
                    busy(ui);
                }
            },
        );
        if !open {
            self.large = None;
        }
    }

    fn signatures_ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, loaded: &Loaded, members: &[Member]) {
        if self.signer.is_empty() {
            self.signer = members.iter().find(|m| m.relation == Relation::Head).map(signer_label).unwrap_or_default();
        }
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.label(RichText::new(t("evidence.household_sign")).strong());
                let l = ui.label(t("evidence.signer"));
                egui::ComboBox::from_id_salt("visit-signer")
                    .selected_text(self.signer.clone())
                    .show_ui(ui, |ui| {
                        for m in members {
                            let label = signer_label(m);
                            ui.selectable_value(&mut self.signer, label.clone(), label);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                if let Some(strokes) = pad_ui(ui, AttachmentKind::Household, &mut self.household, &loaded.household) {
                    let signer = self.signer.clone();
                    self.confirm(cx, AttachmentKind::Household, signer, strokes);
                }
            });
            ui.add_space(16.0);
            ui.vertical(|ui| {
                ui.label(RichText::new(t("evidence.cadre_sign")).strong());
                ui.label("");
                if let Some(strokes) = pad_ui(ui, AttachmentKind::Cadre, &mut self.cadre, &loaded.cadre) {
                    self.confirm(cx, AttachmentKind::Cadre, String::new(), strokes);
                }
            });
        });
        if loaded.signatures.any() {
            ui.horizontal(|ui| {
                ui.label(RichText::new(t("evidence.locked")).weak());
                if ui.button(t("evidence.clear_signatures")).clicked() {
                    let cleared = match self.pending.as_mut() {
                        Some(held) => {
                            (held.household, held.cadre) = (None, None);
                            cx.info(t("evidence.cleared"));
                            true
                        }
                        None => {
                            let r = cx.store.clear_signatures(&self.visit_id);
                            cx.report(r, t("evidence.cleared")).is_some()
                        }
                    };
                    if cleared {
                        self.household = Pad::default();
                        self.cadre = Pad::default();
                    }
                }
            });
        }
    }

    /// 确认签字 on one side: held for a visit not saved yet, else stored at once.
    fn confirm(&mut self, cx: &mut Cx<'_>, side: AttachmentKind, signer: String, strokes: Strokes) {
        let pad = if side == AttachmentKind::Cadre { &mut self.cadre } else { &mut self.household };
        match self.pending.as_mut() {
            Some(held) => {
                let signature = Some(PendingSignature { signer, strokes });
                if side == AttachmentKind::Cadre {
                    held.cadre = signature;
                } else {
                    held.household = signature;
                }
                *pad = Pad::default();
            }
            None => {
                let r = cx.store.sign(&self.visit_id, side, &signer, &strokes);
                if cx.report(r, "").is_some() {
                    *pad = Pad::default();
                }
            }
        }
    }
}

/// A held photo as the thumbnails list shows it (its id is its hash: unique among those held).
fn held_row(p: &PendingPhoto) -> AttachmentRow {
    AttachmentRow {
        id: p.sha256.clone(),
        owner_id: String::new(),
        kind: AttachmentKind::Photo,
        mime: p.mime.clone(),
        sha256: p.sha256.clone(),
        size: p.size,
        width: p.width,
        height: p.height,
        file_name: p.file_name.clone(),
        signer: String::new(),
        created_at: String::new(),
    }
}

fn signer_label(m: &Member) -> String {
    crate::i18n::aside(&m.name, m.relation.label())
}

/// One side's pad: the stored signature shown (with 重签), or a pad to draw on with 清除 and
/// 确认签字; returns what was drawn when 确认签字 is clicked.
fn pad_ui(ui: &mut Ui, side: AttachmentKind, pad: &mut Pad, stored: &Option<(String, Strokes)>) -> Option<Strokes> {
    let mut confirmed = None;
    let name = tf("evidence.pad", &[("side", side.label())]);
    match stored {
        Some((who, strokes)) if !pad.redo => {
            let mut shown = strokes.clone();
            signature_pad(ui, &name, &mut shown, false);
            ui.horizontal(|ui| {
                if !who.is_empty() {
                    ui.label(tf("evidence.signed_by", &[("who", who)]));
                }
                ui.label(RichText::new(t("evidence.signed")).color(OK));
                if ui.button(tf("evidence.redo", &[("side", side.label())])).clicked() {
                    *pad = Pad { strokes: Strokes::default(), redo: true };
                }
            });
        }
        _ => {
            signature_pad(ui, &name, &mut pad.strokes, true);
            ui.horizontal(|ui| {
                if ui.button(tf("evidence.clear_pad", &[("side", side.label())])).clicked() {
                    pad.strokes = Strokes::default();
                }
                let ready = !pad.strokes.is_blank();
                if ui.add_enabled(ready, egui::Button::new(tf("evidence.confirm", &[("side", side.label())]))).clicked()
                {
                    confirmed = Some(pad.strokes.clone());
                }
            });
        }
    }
    confirmed
}

/// Says what adding photos did: how many were stored and skipped, and each refusal with its reason.
fn report_added(cx: &mut Cx<'_>, outcomes: &AddOutcomes) {
    let stored = outcomes.iter().filter(|(_, o)| matches!(o, Ok(Added::Stored(_)))).count();
    let duplicates = outcomes.iter().filter(|(_, o)| matches!(o, Ok(Added::Duplicate))).count();
    let refused: Vec<String> = outcomes
        .iter()
        .filter_map(|(name, o)| o.as_ref().err().map(|e| tf("photo.cli.refused", &[("file", name), ("reason", e)])))
        .collect();
    let summary = tf("evidence.added", &[("n", &stored.to_string()), ("dup", &duplicates.to_string())]);
    if refused.is_empty() {
        cx.info(summary);
    } else {
        cx.error(format!("{summary} {}", refused.join(" ")));
    }
}
