//! `hojokin state backup PATH` and `hojokin state reconcile`: a consistent
//! copy of the state file while jobs run, and putting the sent-keys log's
//! marks back after a state file was deleted or restored (see
//! [`crate::state::sent_log`]).

use std::path::Path;

use super::{CliError, Finished};
use crate::model::Exit;
use crate::state::State;
use crate::state::sent_log::{self, Agreement};

fn open(db: &Path) -> Result<State, CliError> {
    State::open(db).map_err(CliError::from_error)
}

/// Writes a consistent copy of `db` to `dest`; says where and how big.
pub(super) fn backup(db: &Path, dest: &Path) -> Result<Finished, CliError> {
    if !db.exists() {
        return Err(CliError(format!(
            "エラー: 状態ファイル {} がありません。--db で状態ファイルを指定してください。",
            db.display()
        )));
    }
    let state = open(db)?;
    state.backup_to(dest).map_err(CliError::from_error)?;
    let rows = state.outbox_entries().map_err(CliError::from_error)?.len();
    let mut done = Finished::new(Exit::Done);
    done.stderr.push(format!(
        "状態ファイル {} の写しを {} に書きました（メールの送信状況 {rows} 行を含みます）。戻すときは hojokin を止めてから写しを {} に置き、`hojokin state reconcile --db {}` を実行してください。",
        db.display(),
        dest.display(),
        db.display(),
        db.display()
    ));
    Ok(done)
}

/// Puts the log's marks into the outbox and the outbox's sends into the
/// log, then says what it did and that the two now agree.
pub(super) fn reconcile(db: &Path) -> Result<Finished, CliError> {
    let state = open(db)?;
    let now = crate::clock::Stamp::at(crate::pipeline::now_tokyo());
    let before = state
        .sent_log_agreement(now)
        .map_err(CliError::from_error)?;
    let mut done = Finished::new(Exit::Done);
    if let Agreement::Agrees = before {
        done.stderr.push(format!(
            "状態ファイル {} と送信記録 {} は一致しています。直すものはありません。",
            db.display(),
            sent_log::path_for(db).display()
        ));
        return Ok(done);
    }
    let r = state
        .sent_log_reconcile(now)
        .map_err(CliError::from_error)?;
    done.stderr.push(format!(
        "送信記録 {} から、状態ファイル {} に送信済 {} 件・送信不明 {} 件を戻し、状態ファイルにだけあった送信済 {} 件を送信記録に書き足しました。送信不明のメールは `hojokin outbox` に出ます（中継サーバーのログを確かめてから `hojokin outbox resolve` で答えてください）。",
        sent_log::path_for(db).display(),
        db.display(),
        r.marked_sent,
        r.marked_uncertain,
        r.added_to_log
    ));
    match state
        .sent_log_agreement(now)
        .map_err(CliError::from_error)?
    {
        Agreement::Agrees => done
            .stderr
            .push("両者は一致しました。次の実行から督促メールを送ります。".into()),
        Agreement::Disagrees(d) => {
            done.exit = Exit::CouldNotRun;
            done.stderr.push(d.sentence());
        }
    }
    Ok(done)
}
