/**
 * The usage text res_agi writes between `520-Invalid command syntax.  Proper usage follows:` and
 * `520 End of proper usage.`, by command: the command's XML documentation as Asterisk 22.10.1
 * renders it, captured from a real Asterisk with each command given the wrong arguments.
 */
export const AGI_USAGE: Readonly<Record<string, string>> = {
  'stream file':
    'Send the given file, allowing playback to be interrupted by the given digits, if any. Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed, or <literal>-1</literal> on error or if the channel was disconnected. If musiconhold is playing before calling stream file it will be automatically stopped and will not be restarted after completion.\nIt sets the following channel variables upon completion:\n<variable>PLAYBACKSTATUS</variable>: The status of the playback attempt as a text string.\n    <value>SUCCESS</value>\n    <value>FAILED</value>',
  'wait for digit':
    'Waits up to <replaceable>timeout</replaceable> milliseconds for channel to receive a DTMF digit. Returns <literal>-1</literal> on channel failure, <literal>0</literal> if no digit is received in the timeout, or the numerical value of the ascii of the digit if one is received. Use <literal>-1</literal> for the <replaceable>timeout</replaceable> value if you desire the call to block indefinitely.',
  'say digits':
    'Say a given digit string, returning early if any of the given DTMF digits are received on the channel. Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed or <literal>-1</literal> on error/hangup.',
  'say number':
    'Say a given number, returning early if any of the given DTMF digits are received on the channel.  Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed or <literal>-1</literal> on error/hangup.',
  'get data':
    'Stream the given <replaceable>file</replaceable>, and receive DTMF data.\nReturns the digits received from the channel at the other end.',
  'set variable': 'Sets a variable to the current channel.',
  'get variable':
    'Returns <literal>0</literal> if <replaceable>variablename</replaceable> is not set. Returns <literal>1</literal> if <replaceable>variablename</replaceable> is set and returns the variable in parentheses.\nExample return code: 200 result=1 (testvariable)',
  'get full variable':
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the usage text quotes dialplan ${EPOCH}
    'Evaluates the given <replaceable>expression</replaceable> against the channel specified by <replaceable>channelname</replaceable>, or the current channel if <replaceable>channelname</replaceable> is not provided.\nUnlike GET VARIABLE, the <replaceable>expression</replaceable> is processed in a manner similar to dialplan evaluation, allowing complex and built-in variables to be accessed, e.g. <literal>The time is ${EPOCH}</literal>\nReturns <literal>0</literal> if no channel matching <replaceable>channelname</replaceable> exists, <literal>1</literal> otherwise.\nExample return code: 200 result=1 (The time is 1578493800)',
  hangup:
    'Hangs up the specified channel. If no channel name is given, hangs up the current channel',
  'channel status':
    'Returns the status of the specified <replaceable>channelname</replaceable>. If no channel name is given then returns the status of the current channel.\nReturn values:\n    <enum>0</enum> - Channel is down and available.\n    <enum>1</enum> - Channel is down, but reserved.\n    <enum>2</enum> - Channel is off hook.\n    <enum>3</enum> - Digits (or equivalent) have been dialed.\n    <enum>4</enum> - Line is ringing.\n    <enum>5</enum> - Remote end is ringing.\n    <enum>6</enum> - Line is up.\n    <enum>7</enum> - Line is busy.',
  exec: 'Executes <replaceable>application</replaceable> with given <replaceable>options</replaceable>.\nReturns whatever the <replaceable>application</replaceable> returns, or <literal>-2</literal> on failure to find <replaceable>application</replaceable>.\n<note>NOTE:</note> exec does not evaluate dialplan functions and variables unless it is explicitly enabled by setting the <variable>AGIEXECFULL</variable> variable to <literal>yes</literal>.',
};
